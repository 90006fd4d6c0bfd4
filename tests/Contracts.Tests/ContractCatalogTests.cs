using System.Reflection;
using System.Text.RegularExpressions;
using Google.Api;
using Google.Protobuf.Reflection;
using SentinelSync.Contracts;
using SentinelSync.Contracts.Auth.V1;

namespace SentinelSync.Contracts.Tests;

public sealed partial class ContractCatalogTests
{
    public static TheoryData<string> Methods()
    {
        var data = new TheoryData<string>();
        foreach (var method in ContractCatalog.Services.SelectMany(service => service.Methods))
        {
            data.Add(method.FullName);
        }

        return data;
    }

    [Fact]
    public void Files_ListsEveryCompiledSentinelFile()
    {
        var compiled = typeof(ContractCatalog).Assembly.GetExportedTypes()
            .Select(type => type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(property => property?.PropertyType == typeof(FileDescriptor))
            .Select(property => (FileDescriptor)property!.GetValue(null)!)
            .Where(file => file.Package.StartsWith("sentinel.", StringComparison.Ordinal))
            .Select(file => file.Name)
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.NotEmpty(compiled);
        Assert.Equal(compiled, ContractCatalog.Files.Select(file => file.Name).ToArray());
    }

    [Fact]
    public void Services_IncludeAgentGatewayAndAsset()
    {
        var names = ContractCatalog.Services.Select(service => service.FullName).ToArray();

        Assert.Contains("sentinel.agent.v1.AgentGatewayService", names);
        Assert.Contains("sentinel.asset.v1.AssetService", names);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void EveryMethod_DeclaresAccess_WithWellFormedPermissionForOperators(string methodName)
    {
        var method = FindMethod(methodName);
        var access = ContractCatalog.GetAccess(method);

        Assert.True(access is not null, $"{methodName} declares no (sentinel.auth.v1.access) option.");
        if (ContractCatalog.GetCaller(access!) == Caller.Operator)
        {
            Assert.Matches(PermissionPattern(), access!.Permission);
            var area = method.Service.File.Package.Split('.')[1];
            Assert.StartsWith(area + ".", access.Permission, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(access!.Permission.Length == 0, $"{methodName} is for {access.Caller} callers, so it names no permission.");
        }
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void HttpRules_BindOnlyExistingRequestFields(string methodName)
    {
        var method = FindMethod(methodName);
        var rule = method.GetOptions()?.GetExtension(AnnotationsExtensions.Http);
        if (rule is null)
        {
            return;
        }

        var path = rule.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => rule.Get,
            HttpRule.PatternOneofCase.Post => rule.Post,
            HttpRule.PatternOneofCase.Put => rule.Put,
            HttpRule.PatternOneofCase.Patch => rule.Patch,
            HttpRule.PatternOneofCase.Delete => rule.Delete,
            _ => throw new InvalidOperationException($"{methodName} has an HTTP rule without a pattern."),
        };
        Assert.StartsWith("/v1/", path, StringComparison.Ordinal);
        foreach (Match variable in PathVariable().Matches(path))
        {
            var field = variable.Groups[1].Value;
            Assert.True(method.InputType.FindFieldByName(field) is not null, $"{methodName}: path variable '{field}' is not a field of {method.InputType.FullName}.");
        }

        if (rule.Body is { Length: > 0 } body && body != "*")
        {
            Assert.NotNull(method.InputType.FindFieldByName(body));
        }

        if (rule.PatternCase is HttpRule.PatternOneofCase.Get or HttpRule.PatternOneofCase.Delete)
        {
            Assert.True(rule.Body.Length == 0, $"{methodName}: GET and DELETE carry no body.");
        }
    }

    private static MethodDescriptor FindMethod(string fullName) =>
        ContractCatalog.Services.SelectMany(service => service.Methods).Single(method => method.FullName == fullName);

    [GeneratedRegex("^[a-z]+\\.[a-z_]+\\.[a-z_]+$")]
    private static partial Regex PermissionPattern();

    [GeneratedRegex("\\{([a-z_]+)(=[^}]*)?\\}")]
    private static partial Regex PathVariable();
}
