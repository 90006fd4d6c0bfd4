using System.Reflection;
using Grpc.Core;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Open-instance delegates to a service's handler methods, found by name once when the service is mapped,
/// so that a call invokes the per-call instance without reflection.
/// </summary>
internal static class ServiceMethodInvokers
{
    public static Func<TService, TRequest, ServerCallContext, Task<TResponse>> Unary<TService, TRequest, TResponse>(IMethod method)
        where TService : class =>
        Create<TService, Func<TService, TRequest, ServerCallContext, Task<TResponse>>>(method, typeof(Task<TResponse>), typeof(TRequest), typeof(ServerCallContext));

    public static Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> ClientStreaming<TService, TRequest, TResponse>(IMethod method)
        where TService : class =>
        Create<TService, Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>>>(method, typeof(Task<TResponse>), typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));

    public static Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> ServerStreaming<TService, TRequest, TResponse>(IMethod method)
        where TService : class =>
        Create<TService, Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(method, typeof(Task), typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));

    public static Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> DuplexStreaming<TService, TRequest, TResponse>(IMethod method)
        where TService : class =>
        Create<TService, Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(method, typeof(Task), typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));

    private static TDelegate Create<TService, TDelegate>(IMethod method, Type returnType, params Type[] parameterTypes)
        where TService : class
        where TDelegate : Delegate
    {
        var handler = typeof(TService).GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance, parameterTypes);
        if (handler is null || handler.ReturnType != returnType)
        {
            throw new InvalidOperationException(
                $"Could not find the handler of gRPC method '{method.FullName}' on service type '{typeof(TService)}': expected a public instance method " +
                $"'{returnType.Name} {method.Name}({string.Join(", ", parameterTypes.Select(t => t.Name))})'.");
        }

        // Virtual methods dispatch on the instance passed per call.
        return handler.CreateDelegate<TDelegate>();
    }
}
