using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Gets the instance of a service or interceptor for one call: from the request's services when the type
/// is registered there (the container owns it), otherwise created with <see cref="ActivatorUtilities"/> and
/// disposed after the call. What to do is decided once, when the service is mapped.
/// </summary>
internal sealed class InstanceActivator<T>
    where T : class
{
    private readonly Type _type;
    private readonly object[] _arguments;
    private readonly bool _resolve;
    private readonly ObjectFactory? _factory;
    private readonly IServiceProvider? _factoryServices;

    public InstanceActivator(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type type,
        IReadOnlyList<object> arguments,
        IServiceProvider applicationServices)
    {
        _type = type;
        _arguments = [.. arguments];

        // Constructor arguments mean "create it", as in grpc-dotnet; otherwise prefer the container's instance.
        var isService = applicationServices.GetService<IServiceProviderIsService>();
        _resolve = _arguments.Length == 0 && isService is not null && isService.IsService(type);
        if (!_resolve)
        {
            _factory = ActivatorUtilities.CreateFactory(type, Array.ConvertAll(_arguments, a => a.GetType()));

            // A type whose constructors take nothing needs no services: creating it then leaves the request's
            // service scope uncreated, which saves its allocation on every call.
            var needsServices = Array.Exists(type.GetConstructors(), c => c.GetParameters().Length > _arguments.Length);
            _factoryServices = needsServices ? null : applicationServices;
        }
    }

    /// <summary>The type this activator provides.</summary>
    public Type Type => _type;

    public ActivatedInstance<T> Create(HttpContext httpContext)
    {
        if (_resolve)
        {
            return new((T)httpContext.RequestServices.GetRequiredService(_type), Created: false);
        }

        return new((T)_factory!(_factoryServices ?? httpContext.RequestServices, _arguments), Created: true);
    }

    /// <summary>Disposes an instance this activator created; nothing for the container's instances.</summary>
    public static ValueTask ReleaseAsync(in ActivatedInstance<T> activated)
    {
        if (!activated.Created)
        {
            return default;
        }

        if (activated.Instance is IAsyncDisposable asyncDisposable)
        {
            return asyncDisposable.DisposeAsync();
        }

        (activated.Instance as IDisposable)?.Dispose();
        return default;
    }

    /// <summary>Whether releasing instances can ever do work, so callers can skip the async wrapper.</summary>
    public bool NeedsRelease => !_resolve && (typeof(IDisposable).IsAssignableFrom(_type) || typeof(IAsyncDisposable).IsAssignableFrom(_type));
}
