using SentinelSync.Agent.Commands;
using SentinelSync.Agent.Runtime;

using var workingSet = WorkingSetTrim.Start(TimeProvider.System);
return await AgentCommandLine.Create().Parse(args).InvokeAsync(AgentCommandLine.Invocation());
