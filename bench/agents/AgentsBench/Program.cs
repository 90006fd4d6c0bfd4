using SentinelSync.Bench.Agents;

// bench/agents/run.sh drives these; see AgentsBench.csproj for what each does.
return args.Length == 0 ? Usage() : args[0] switch
{
    "token" => await OperatorApi.CreateTokenAsync(BenchArguments.Parse(args[1..])),
    "online" => await OperatorApi.CountOnlineAsync(BenchArguments.Parse(args[1..])),
    "enroll" => await FleetEnrollment.RunAsync(BenchArguments.Parse(args[1..])),
    "run" => await Fleet.RunAsync(BenchArguments.Parse(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: AgentsBench token|online|enroll|run --name value ...  (see bench/agents/run.sh)");
    return 2;
}
