using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using Grpc.Core.Interceptors;

namespace Grpc.AspNetCore.Server;

/// <summary>The server interceptors of a service, outermost first.</summary>
public class InterceptorCollection : Collection<InterceptorRegistration>
{
    /// <summary>Adds an interceptor created with the given constructor arguments (the rest from the services).</summary>
    /// <typeparam name="TInterceptor">The interceptor type.</typeparam>
    /// <param name="args">Arguments given to its constructor before the services.</param>
    public void Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TInterceptor>(params object[] args)
        where TInterceptor : Interceptor => Add(typeof(TInterceptor), args);

    /// <summary>Adds an interceptor created with the given constructor arguments (the rest from the services).</summary>
    /// <param name="interceptorType">The interceptor type; it must derive from <see cref="Interceptor"/>.</param>
    /// <param name="args">Arguments given to its constructor before the services.</param>
    public void Add([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type interceptorType, params object[] args) =>
        Add(new InterceptorRegistration(interceptorType, args));

    /// <summary>Appends the registrations of another collection.</summary>
    internal void AddRange(IEnumerable<InterceptorRegistration> registrations)
    {
        foreach (var registration in registrations)
        {
            Add(registration);
        }
    }
}
