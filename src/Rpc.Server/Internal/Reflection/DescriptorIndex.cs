using Google.Protobuf.Reflection;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// The proto files behind the mapped services, closed over their imports, indexed the way server reflection
/// asks: by file name, by fully-qualified symbol, by extension.
/// </summary>
internal sealed class DescriptorIndex
{
    private readonly Dictionary<string, FileDescriptor> _filesByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileDescriptor> _filesBySymbol = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Extendee, int Number), FileDescriptor> _filesByExtension = [];
    private readonly Dictionary<string, SortedSet<int>> _extensionNumbers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _messageTypes = new(StringComparer.Ordinal);

    public DescriptorIndex(IEnumerable<MappedService> services)
    {
        var names = new List<string>();
        foreach (var service in services)
        {
            names.Add(service.Name);
            if (service.Descriptor is not null)
            {
                AddFile(service.Descriptor.File);
            }
        }

        ServiceNames = names;
    }

    /// <summary>The full names of the mapped services, in mapping order.</summary>
    public IReadOnlyList<string> ServiceNames { get; }

    public FileDescriptor? FindFileByName(string name) => _filesByName.GetValueOrDefault(name);

    public FileDescriptor? FindFileBySymbol(string symbol) => _filesBySymbol.GetValueOrDefault(symbol);

    public FileDescriptor? FindFileByExtension(string extendee, int number) => _filesByExtension.GetValueOrDefault((extendee, number));

    /// <summary>The extension numbers of a message type; null when the type is unknown.</summary>
    public IReadOnlyCollection<int>? FindExtensionNumbers(string messageType)
    {
        if (_extensionNumbers.TryGetValue(messageType, out var numbers))
        {
            return numbers;
        }

        return _messageTypes.Contains(messageType) ? [] : null;
    }

    private void AddFile(FileDescriptor file)
    {
        if (!_filesByName.TryAdd(file.Name, file))
        {
            return;
        }

        foreach (var dependency in file.Dependencies)
        {
            AddFile(dependency);
        }

        foreach (var message in file.MessageTypes)
        {
            AddMessage(file, message);
        }

        foreach (var enumType in file.EnumTypes)
        {
            AddEnum(file, enumType, file.Package);
        }

        foreach (var service in file.Services)
        {
            AddSymbol(service.FullName, file);
            foreach (var method in service.Methods)
            {
                AddSymbol(method.FullName, file);
            }
        }

        foreach (var extension in file.Extensions.UnorderedExtensions)
        {
            AddExtension(file, extension);
        }
    }

    private void AddMessage(FileDescriptor file, MessageDescriptor message)
    {
        AddSymbol(message.FullName, file);
        _messageTypes.Add(message.FullName);
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            AddSymbol(field.FullName, file);
        }

        foreach (var oneof in message.Oneofs)
        {
            AddSymbol(oneof.FullName, file);
        }

        foreach (var nested in message.NestedTypes)
        {
            AddMessage(file, nested);
        }

        foreach (var enumType in message.EnumTypes)
        {
            AddEnum(file, enumType, message.FullName);
        }

        foreach (var extension in message.Extensions.UnorderedExtensions)
        {
            AddExtension(file, extension);
        }
    }

    private void AddEnum(FileDescriptor file, EnumDescriptor enumType, string scope)
    {
        AddSymbol(enumType.FullName, file);

        // Enum values are scoped beside their enum, as protoc resolves them (pkg.VALUE, not pkg.Enum.VALUE).
        foreach (var value in enumType.Values)
        {
            AddSymbol(string.IsNullOrEmpty(scope) ? value.Name : scope + "." + value.Name, file);
        }
    }

    private void AddExtension(FileDescriptor file, FieldDescriptor extension)
    {
        AddSymbol(extension.FullName, file);
        var extendee = extension.ExtendeeType?.FullName;
        if (extendee is null)
        {
            return;
        }

        _filesByExtension.TryAdd((extendee, extension.FieldNumber), file);
        if (!_extensionNumbers.TryGetValue(extendee, out var numbers))
        {
            _extensionNumbers[extendee] = numbers = [];
        }

        numbers.Add(extension.FieldNumber);
    }

    private void AddSymbol(string symbol, FileDescriptor file) => _filesBySymbol.TryAdd(symbol, file);
}
