using BenchmarkDotNet.Running;

// No arguments (as the build's Bench target runs it): every benchmark on BenchmarkDotNet's short job,
// a few minutes in all. Pass BenchmarkDotNet's own arguments for anything else (e.g. --filter *Executor* --job default).
var arguments = args.Length == 0 ? ["--filter", "*", "--job", "short"] : args;
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(arguments);
