using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Runs server-streaming calls of one method.</summary>
internal sealed class ServerStreamingCallHandler<TService, TRequest, TResponse> : ServerCallHandler
    where TService : class
    where TRequest : class
    where TResponse : class
{
    private readonly Method<TRequest, TResponse> _method;
    private readonly InstanceActivator<TService> _serviceActivator;
    private readonly Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> _invoker;
    private readonly ServerStreamingServerMethod<TRequest, TResponse> _pipeline;

    public ServerStreamingCallHandler(Method<TRequest, TResponse> method, MethodContext context, InstanceActivator<TService> serviceActivator)
        : base(context)
    {
        _method = method;
        _serviceActivator = serviceActivator;
        _invoker = ServiceMethodInvokers.ServerStreaming<TService, TRequest, TResponse>(method);
        _pipeline = BuildPipeline(context.Options.Interceptors);
    }

    protected override async Task HandleCallCoreAsync(ServerCall call)
    {
        try
        {
            call.Start();
            var request = await call.ReadSingleMessageAsync(_method.RequestMarshaller.ContextualDeserializer).ConfigureAwait(false);
            var responseStream = new ResponseStreamWriter<TResponse>(call, _method.ResponseMarshaller.ContextualSerializer);
            await _pipeline(request, responseStream, call).ConfigureAwait(false);
            call.OnHandlerFinished();
            await call.EndCallAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await call.ProcessErrorAsync(ex).ConfigureAwait(false);
        }
        finally
        {
            await call.FinishAsync().ConfigureAwait(false);
        }
    }

    private ServerStreamingServerMethod<TRequest, TResponse> BuildPipeline(InstanceActivator<Interceptor>[] interceptors)
    {
        ServerStreamingServerMethod<TRequest, TResponse> next = _serviceActivator.NeedsRelease ? InvokeAndReleaseAsync : Invoke;
        for (var i = interceptors.Length - 1; i >= 0; i--)
        {
            next = Intercept(interceptors[i], next);
        }

        return next;
    }

    private Task Invoke(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context) =>
        _invoker(_serviceActivator.Create(context.GetHttpContext()).Instance, request, responseStream, context);

    private async Task InvokeAndReleaseAsync(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context)
    {
        var service = _serviceActivator.Create(context.GetHttpContext());
        try
        {
            await _invoker(service.Instance, request, responseStream, context).ConfigureAwait(false);
        }
        finally
        {
            await InstanceActivator<TService>.ReleaseAsync(service).ConfigureAwait(false);
        }
    }

    private static ServerStreamingServerMethod<TRequest, TResponse> Intercept(InstanceActivator<Interceptor> activator, ServerStreamingServerMethod<TRequest, TResponse> next) =>
        async (request, responseStream, context) =>
        {
            var interceptor = activator.Create(context.GetHttpContext());
            try
            {
                await interceptor.Instance.ServerStreamingServerHandler(request, responseStream, context, next).ConfigureAwait(false);
            }
            finally
            {
                await InstanceActivator<Interceptor>.ReleaseAsync(interceptor).ConfigureAwait(false);
            }
        };
}
