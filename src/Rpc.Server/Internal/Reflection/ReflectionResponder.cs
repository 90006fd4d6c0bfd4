using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Reflection.V1;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Answers server reflection requests (grpc.reflection.v1 messages; v1alpha is the same on the wire) from the
/// mapped services' descriptors. One instance per reflection stream: it remembers which files the stream
/// has already received and sends each file once.
/// </summary>
internal sealed class ReflectionResponder
{
    private readonly DescriptorIndex _index;
    private readonly HashSet<string> _sentFiles = new(StringComparer.Ordinal);

    public ReflectionResponder(DescriptorIndex index) => _index = index;

    public ServerReflectionResponse Respond(ServerReflectionRequest request)
    {
        var response = new ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                var list = new ListServiceResponse();
                foreach (var name in _index.ServiceNames)
                {
                    list.Service.Add(new ServiceResponse { Name = name });
                }

                response.ListServicesResponse = list;
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFiles(response, _index.FindFileByName(request.FileByFilename), $"File '{request.FileByFilename}' not found.");
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFiles(response, _index.FindFileBySymbol(request.FileContainingSymbol), $"Symbol '{request.FileContainingSymbol}' not found.");
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                var extension = request.FileContainingExtension;
                SetFiles(
                    response,
                    _index.FindFileByExtension(extension.ContainingType, extension.ExtensionNumber),
                    $"Extension {extension.ExtensionNumber} of '{extension.ContainingType}' not found.");
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                var numbers = _index.FindExtensionNumbers(request.AllExtensionNumbersOfType);
                if (numbers is null)
                {
                    SetError(response, StatusCode.NotFound, $"Type '{request.AllExtensionNumbersOfType}' not found.");
                }
                else
                {
                    var extensionNumbers = new ExtensionNumberResponse { BaseTypeName = request.AllExtensionNumbersOfType };
                    extensionNumbers.ExtensionNumber.AddRange(numbers);
                    response.AllExtensionNumbersResponse = extensionNumbers;
                }

                break;

            default:
                SetError(response, StatusCode.InvalidArgument, "The reflection request names no known request type.");
                break;
        }

        return response;
    }

    private void SetFiles(ServerReflectionResponse response, FileDescriptor? file, string notFound)
    {
        if (file is null)
        {
            SetError(response, StatusCode.NotFound, notFound);
            return;
        }

        // The file asked for always; its transitive imports unless this stream already received them.
        var files = new FileDescriptorResponse();
        files.FileDescriptorProto.Add(file.SerializedData);
        _sentFiles.Add(file.Name);
        var pending = new Queue<FileDescriptor>(file.Dependencies);
        while (pending.TryDequeue(out var dependency))
        {
            if (_sentFiles.Add(dependency.Name))
            {
                files.FileDescriptorProto.Add(dependency.SerializedData);
                foreach (var next in dependency.Dependencies)
                {
                    pending.Enqueue(next);
                }
            }
        }

        response.FileDescriptorResponse = files;
    }

    private static void SetError(ServerReflectionResponse response, StatusCode code, string message) =>
        response.ErrorResponse = new ErrorResponse { ErrorCode = (int)code, ErrorMessage = message };
}
