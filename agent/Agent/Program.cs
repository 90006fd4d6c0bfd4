using SentinelSync.Agent.Commands;

return await AgentCommandLine.Create().Parse(args).InvokeAsync(AgentCommandLine.Invocation());
