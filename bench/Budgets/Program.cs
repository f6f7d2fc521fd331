using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Holdfast.Bench.Budgets.LedgerBenchmarks).Assembly).Run(args);
