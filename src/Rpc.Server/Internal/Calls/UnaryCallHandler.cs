using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Runs unary calls of one method.</summary>
internal sealed class UnaryCallHandler<TService, TRequest, TResponse> : ServerCallHandler
    where TService : class
    where TRequest : class
    where TResponse : class
{
    private readonly Method<TRequest, TResponse> _method;
    private readonly InstanceActivator<TService> _serviceActivator;
    private readonly Func<TService, TRequest, ServerCallContext, Task<TResponse>> _invoker;
    private readonly UnaryServerMethod<TRequest, TResponse> _pipeline;

    public UnaryCallHandler(Method<TRequest, TResponse> method, MethodContext context, InstanceActivator<TService> serviceActivator)
        : base(context)
    {
        _method = method;
        _serviceActivator = serviceActivator;
        _invoker = ServiceMethodInvokers.Unary<TService, TRequest, TResponse>(method);
        _pipeline = BuildPipeline(context.Options.Interceptors);
    }

    protected override async Task HandleCallCoreAsync(ServerCall call)
    {
        try
        {
            call.Start();
            var request = await call.ReadSingleMessageAsync(_method.RequestMarshaller.ContextualDeserializer).ConfigureAwait(false);
            var response = await _pipeline(request, call).ConfigureAwait(false);
            call.OnHandlerFinished();
            if (response is null)
            {
                throw new RpcException(new Status(StatusCode.Cancelled, "No message returned from method."));
            }

            // Not flushed: the end of the request sends headers, message and trailers together.
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

    private UnaryServerMethod<TRequest, TResponse> BuildPipeline(InstanceActivator<Interceptor>[] interceptors)
    {
        UnaryServerMethod<TRequest, TResponse> next = _serviceActivator.NeedsRelease ? InvokeAndReleaseAsync : Invoke;
        for (var i = interceptors.Length - 1; i >= 0; i--)
        {
            next = Intercept(interceptors[i], next);
        }

        return next;
    }

    private Task<TResponse> Invoke(TRequest request, ServerCallContext context) =>
        _invoker(_serviceActivator.Create(context.GetHttpContext()).Instance, request, context);

    private async Task<TResponse> InvokeAndReleaseAsync(TRequest request, ServerCallContext context)
    {
        var service = _serviceActivator.Create(context.GetHttpContext());
        try
        {
            return await _invoker(service.Instance, request, context).ConfigureAwait(false);
        }
        finally
        {
            await InstanceActivator<TService>.ReleaseAsync(service).ConfigureAwait(false);
        }
    }

    private static UnaryServerMethod<TRequest, TResponse> Intercept(InstanceActivator<Interceptor> activator, UnaryServerMethod<TRequest, TResponse> next) =>
        async (request, context) =>
        {
            var interceptor = activator.Create(context.GetHttpContext());
            try
            {
                return await interceptor.Instance.UnaryServerHandler(request, context, next).ConfigureAwait(false);
            }
            finally
            {
                await InstanceActivator<Interceptor>.ReleaseAsync(interceptor).ConfigureAwait(false);
            }
        };
}
