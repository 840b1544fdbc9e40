// Command-line options of the bench: workload ids, round counts, profiling.
export interface CliOptions {
  workloads: string[];
  rounds: number;
  warmup: number;
  scale: number;
  memoryRounds: number;
  clock: 'cpu' | 'wall';
  out: string | undefined;
  profile: boolean;
  impl: 'trace' | 'otel' | 'both';
  seconds: number;
  list: boolean;
  help: boolean;
  sentinel: boolean;
}

export const USAGE = `usage: node --expose-gc dist/main.js [workload ...] [options]

  workload          W1 W1b W1c W5 W6 W8 W2 W3 W4 W7, or a full id such as W5-tp-inject (default: all)
  --rounds N        timed rounds per workload after warm-up (default 21)
  --warmup N        untimed warm-up rounds (default 5)
  --scale X         multiply operations per sample (default 1; 0.2 for a quick look)
  --memory-rounds N readings per side for W6 (default 3)
  --clock wall|cpu  time samples by elapsed time (default) or by process CPU time (user + system of
                    all threads, so background GC work counts too); JSON keeps the medians of both
  --out FILE        results JSON (default results/latest.json; a selection writes results/last-selection.json)
  --profile         CPU-profile the selected workloads instead of benchmarking them
  --impl SIDE       with --profile: trace, otel or both (default trace)
  --seconds S       with --profile: seconds of sampling per side (default 4)
  --sentinel        diagnostic: keep one finished @trace span and its context alive for the whole
                    run (what a fix in core would do: see README "Findings"); not a fair default
  --list            list the workloads
`;

function numberOption(name: string, text: string | undefined, minimum: number): number {
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value) || value < minimum) throw new Error(`${name} needs a number >= ${minimum}, got ${String(text)}`);
  return value;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    workloads: [],
    rounds: 21,
    warmup: 5,
    scale: 1,
    memoryRounds: 3,
    clock: 'wall',
    out: undefined,
    profile: false,
    impl: 'trace',
    seconds: 4,
    list: false,
    help: false,
    sentinel: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = (): string | undefined => argv[++i];
    switch (arg) {
      case '--':
        break;
      case '--rounds':
        options.rounds = Math.floor(numberOption(arg, next(), 1));
        break;
      case '--warmup':
        options.warmup = Math.floor(numberOption(arg, next(), 0));
        break;
      case '--scale':
        options.scale = numberOption(arg, next(), 0.001);
        break;
      case '--memory-rounds':
        options.memoryRounds = Math.floor(numberOption(arg, next(), 1));
        break;
      case '--clock': {
        const clock = next();
        if (clock !== 'cpu' && clock !== 'wall') throw new Error(`--clock needs cpu or wall, got ${String(clock)}`);
        options.clock = clock;
        break;
      }
      case '--out':
        options.out = next();
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--impl': {
        const side = next();
        if (side !== 'trace' && side !== 'otel' && side !== 'both') throw new Error(`--impl needs trace, otel or both, got ${String(side)}`);
        options.impl = side;
        break;
      }
      case '--seconds':
        options.seconds = numberOption(arg, next(), 0.1);
        break;
      case '--sentinel':
        options.sentinel = true;
        break;
      case '--list':
        options.list = true;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\n\n${USAGE}`);
        options.workloads.push(arg);
    }
  }
  return options;
}
