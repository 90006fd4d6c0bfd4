using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Runs duplex-streaming calls of one method.</summary>
internal sealed class DuplexStreamingCallHandler<TService, TRequest, TResponse> : ServerCallHandler
    where TService : class
    where TRequest : class
    where TResponse : class
{
    private readonly Method<TRequest, TResponse> _method;
    private readonly InstanceActivator<TService> _serviceActivator;
    private readonly Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> _invoker;
    private readonly DuplexStreamingServerMethod<TRequest, TResponse> _pipeline;

    public DuplexStreamingCallHandler(Method<TRequest, TResponse> method, MethodContext context, InstanceActivator<TService> serviceActivator)
        : base(context)
    {
        _method = method;
        _serviceActivator = serviceActivator;
        _invoker = ServiceMethodInvokers.DuplexStreaming<TService, TRequest, TResponse>(method);
        _pipeline = BuildPipeline(context.Options.Interceptors);
    }

    protected override async Task HandleCallCoreAsync(ServerCall call)
    {
        try
        {
            call.Start();
            var requestStream = new RequestStreamReader<TRequest>(call, _method.RequestMarshaller.ContextualDeserializer);
            var responseStream = new ResponseStreamWriter<TResponse>(call, _method.ResponseMarshaller.ContextualSerializer);
            await _pipeline(requestStream, responseStream, call).ConfigureAwait(false);
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

    private DuplexStreamingServerMethod<TRequest, TResponse> BuildPipeline(InstanceActivator<Interceptor>[] interceptors)
    {
        DuplexStreamingServerMethod<TRequest, TResponse> next = _serviceActivator.NeedsRelease ? InvokeAndReleaseAsync : Invoke;
        for (var i = interceptors.Length - 1; i >= 0; i--)
        {
            next = Intercept(interceptors[i], next);
        }

        return next;
    }

    private Task Invoke(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context) =>
        _invoker(_serviceActivator.Create(context.GetHttpContext()).Instance, requestStream, responseStream, context);

    private async Task InvokeAndReleaseAsync(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context)
    {
        var service = _serviceActivator.Create(context.GetHttpContext());
        try
        {
            await _invoker(service.Instance, requestStream, responseStream, context).ConfigureAwait(false);
        }
        finally
        {
            await InstanceActivator<TService>.ReleaseAsync(service).ConfigureAwait(false);
        }
    }

    private static DuplexStreamingServerMethod<TRequest, TResponse> Intercept(InstanceActivator<Interceptor> activator, DuplexStreamingServerMethod<TRequest, TResponse> next) =>
        async (requestStream, responseStream, context) =>
        {
            var interceptor = activator.Create(context.GetHttpContext());
            try
            {
                await interceptor.Instance.DuplexStreamingServerHandler(requestStream, responseStream, context, next).ConfigureAwait(false);
            }
            finally
            {
                await InstanceActivator<Interceptor>.ReleaseAsync(interceptor).ConfigureAwait(false);
            }
        };
}
