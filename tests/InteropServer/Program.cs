using SentinelSync.InteropServer;

InteropServerOptions options;
try
{
    options = InteropServerOptions.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

await using var server = await InteropServerHost.StartAsync(options, CancellationToken.None);
Console.WriteLine($"listening on port {server.Port}");
await server.App.WaitForShutdownAsync();
return 0;
