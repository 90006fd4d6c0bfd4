using Grpc.Core;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Receives a generated service's methods from its <c>BindService(ServiceBinderBase, TServiceBase)</c>,
/// called without an instance, and makes a call handler for each.
/// </summary>
internal sealed class ServiceMethodBinder<TService> : ServiceBinderBase
    where TService : class
{
    private readonly Func<IMethod, MethodContext> _createContext;
    private readonly InstanceActivator<TService> _serviceActivator;

    public ServiceMethodBinder(Func<IMethod, MethodContext> createContext, InstanceActivator<TService> serviceActivator)
    {
        _createContext = createContext;
        _serviceActivator = serviceActivator;
    }

    public List<ServerCallHandler> Handlers { get; } = [];

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
        Handlers.Add(new UnaryCallHandler<TService, TRequest, TResponse>(method, _createContext(method), _serviceActivator));

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
        Handlers.Add(new ClientStreamingCallHandler<TService, TRequest, TResponse>(method, _createContext(method), _serviceActivator));

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
        Handlers.Add(new ServerStreamingCallHandler<TService, TRequest, TResponse>(method, _createContext(method), _serviceActivator));

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
        Handlers.Add(new DuplexStreamingCallHandler<TService, TRequest, TResponse>(method, _createContext(method), _serviceActivator));
}
