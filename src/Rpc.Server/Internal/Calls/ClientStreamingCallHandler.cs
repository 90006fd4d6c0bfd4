using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Runs client-streaming calls of one method.</summary>
internal sealed class ClientStreamingCallHandler<TService, TRequest, TResponse> : ServerCallHandler
    where TService : class
    where TRequest : class
    where TResponse : class
{
    private readonly Method<TRequest, TResponse> _method;
    private readonly InstanceActivator<TService> _serviceActivator;
    private readonly Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> _invoker;
    private readonly ClientStreamingServerMethod<TRequest, TResponse> _pipeline;

    public ClientStreamingCallHandler(Method<TRequest, TResponse> method, MethodContext context, InstanceActivator<TService> serviceActivator)
        : base(context)
    {
        _method = method;
        _serviceActivator = serviceActivator;
        _invoker = ServiceMethodInvokers.ClientStreaming<TService, TRequest, TResponse>(method);
        _pipeline = BuildPipeline(context.Options.Interceptors);
    }

    protected override async Task HandleCallCoreAsync(ServerCall call)
    {
        try
        {
            call.Start();
            var requestStream = new RequestStreamReader<TRequest>(call, _method.RequestMarshaller.ContextualDeserializer);
            var response = await _pipeline(requestStream, call).ConfigureAwait(false);
            call.OnHandlerFinished();
            if (response is null)
            {
                throw new RpcException(new Status(StatusCode.Cancelled, "No message returned from method."));
            }

            await call.WriteMessageAsync(response, _method.ResponseMarshaller.ContextualSerializer, call.WriteOptions, flush: false).ConfigureAwait(false);
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

    private ClientStreamingServerMethod<TRequest, TResponse> BuildPipeline(InstanceActivator<Interceptor>[] interceptors)
    {
        ClientStreamingServerMethod<TRequest, TResponse> next = _serviceActivator.NeedsRelease ? InvokeAndReleaseAsync : Invoke;
        for (var i = interceptors.Length - 1; i >= 0; i--)
        {
            next = Intercept(interceptors[i], next);
        }

        return next;
    }

    private Task<TResponse> Invoke(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context) =>
        _invoker(_serviceActivator.Create(context.GetHttpContext()).Instance, requestStream, context);

    private async Task<TResponse> InvokeAndReleaseAsync(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context)
    {
        var service = _serviceActivator.Create(context.GetHttpContext());
        try
        {
            return await _invoker(service.Instance, requestStream, context).ConfigureAwait(false);
        }
        finally
        {
            await InstanceActivator<TService>.ReleaseAsync(service).ConfigureAwait(false);
        }
    }

    private static ClientStreamingServerMethod<TRequest, TResponse> Intercept(InstanceActivator<Interceptor> activator, ClientStreamingServerMethod<TRequest, TResponse> next) =>
        async (requestStream, context) =>
        {
            var interceptor = activator.Create(context.GetHttpContext());
            try
            {
                return await interceptor.Instance.ClientStreamingServerHandler(requestStream, context, next).ConfigureAwait(false);
            }
            finally
            {
                await InstanceActivator<Interceptor>.ReleaseAsync(interceptor).ConfigureAwait(false);
            }
        };
}
