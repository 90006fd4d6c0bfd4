using SentinelSync.Server.Hosting;

return await SentinelHost.RunAsync(args);
