using SentinelSync.InteropClient;

InteropClientOptions options;
try
{
    options = InteropClientOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(InteropClientOptions.Usage);
    return 2;
}

return await InteropRunner.RunAsync(options, Console.Out, CancellationToken.None);
