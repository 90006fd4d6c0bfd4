using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>gRPC method descriptions built from proto descriptors, for calls whose message types are only known at run time.</summary>
internal static class DynamicMethods
{
    public static Method<IMessage, IMessage> Create(MethodDescriptor method)
    {
        var type = (method.IsClientStreaming, method.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (false, true) => MethodType.ServerStreaming,
            (true, false) => MethodType.ClientStreaming,
            _ => MethodType.DuplexStreaming,
        };
        return new Method<IMessage, IMessage>(type, method.Service.FullName, method.Name, CreateMarshaller(method.InputType), CreateMarshaller(method.OutputType));
    }

    private static Marshaller<IMessage> CreateMarshaller(MessageDescriptor message)
    {
        var parser = message.Parser;
        return new Marshaller<IMessage>(static value => value.ToByteArray(), bytes => parser.ParseFrom(bytes));
    }
}
