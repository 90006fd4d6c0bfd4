using System.Diagnostics.CodeAnalysis;
using Grpc.Core.Interceptors;

namespace Grpc.AspNetCore.Server;

/// <summary>An interceptor type and the constructor arguments it is created with.</summary>
/// <remarks>
/// Per call, an interceptor added without arguments is resolved from the request's services when it is
/// registered there; otherwise it is created with <c>ActivatorUtilities</c> (arguments first, the rest from
/// the services) and disposed when the call ends.
/// </remarks>
public sealed class InterceptorRegistration
{
    internal InterceptorRegistration(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type type,
        object[] arguments)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(arguments);
        if (!typeof(Interceptor).IsAssignableFrom(type))
        {
            throw new ArgumentException($"Type '{type}' is not an interceptor: it must derive from '{typeof(Interceptor)}'.", nameof(type));
        }

        if (type.IsAbstract)
        {
            throw new ArgumentException($"Interceptor type '{type}' is abstract and cannot be created.", nameof(type));
        }

        foreach (var argument in arguments)
        {
            ArgumentNullException.ThrowIfNull(argument, nameof(arguments));
        }

        Type = type;
        Arguments = arguments;
    }

    /// <summary>The interceptor type.</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)]
    public Type Type { get; }

    /// <summary>The arguments given to its constructor, before the services.</summary>
    public IReadOnlyList<object> Arguments { get; }
}
