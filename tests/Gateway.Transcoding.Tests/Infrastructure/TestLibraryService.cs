using Grpc.Core;
using SentinelSync.Gateway.Transcoding.Tests.Library;

namespace SentinelSync.Gateway.Transcoding.Tests;

/// <summary>A real LibraryService (the test contract) that records requests and echoes them back.</summary>
public sealed class TestLibraryService(BackendRecorder recorder) : LibraryService.LibraryServiceBase
{
    public override Task<Book> GetBook(GetBookRequest request, ServerCallContext context)
    {
        recorder.Record(request, context);
        return Task.FromResult(new Book { Title = request.Name });
    }

    public override Task<Book> UpdateBook(UpdateBookRequest request, ServerCallContext context)
    {
        recorder.Record(request, context);
        return Task.FromResult(request.Book);
    }

    public override Task<DeleteBookResponse> DeleteBook(DeleteBookRequest request, ServerCallContext context)
    {
        recorder.Record(request, context);
        return Task.FromResult(new DeleteBookResponse());
    }

    public override Task<GetFileResponse> GetFile(GetFileRequest request, ServerCallContext context)
    {
        recorder.Record(request, context);
        return Task.FromResult(new GetFileResponse { Content = "content of " + request.Path, Size = 42 });
    }

    public override Task<ArchiveBookResponse> ArchiveBook(ArchiveBookRequest request, ServerCallContext context)
    {
        recorder.Record(request, context);
        return Task.FromResult(new ArchiveBookResponse { Book = new Book { Id = request.Id, Title = request.Reason } });
    }
}
