// Reads a V8 .cpuprofile (node --cpu-prof) and prints where the time went: the top functions by
// self time, and the same time grouped by package (node_modules/<name>), node internals, the app
// (dist/) and V8's own buckets (garbage collector, program, idle).
//   npx tsx bench/profile.ts file.cpuprofile
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const internals = {
  area(url: string, name: string): string {
    if (!url) {
      return name.startsWith('(') ? name : '(native)';
    }
    const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
    if (pkg) {
      return pkg[1];
    }
    if (url.startsWith('node:')) {
      return 'node internals';
    }
    return url.includes('/dist/') ? 'app (dist/)' : url.replace(/^file:\/\//, '');
  },

  place(url: string, line: number): string {
    if (!url) {
      return '';
    }
    const short = url
      .replace(/^file:\/\//, '')
      .replace(/^.*node_modules\//, '')
      .replace(/^.*\/dist\//, 'dist/');
    return `${short}:${line + 1}`;
  },

  top(totals: Map<string, number>, all: number, count: number): string[] {
    return [...totals.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([what, us]) => `  ${((us / all) * 100).toFixed(1).padStart(5)} %  ${what}`);
  },
};

export function summarizeProfile(file: string, count = 20): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  let all = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const { functionName, url, lineNumber } = (byId.get(id) as ProfileNode).callFrame;
    const name = functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += us;
      return;
    }
    all += us;
    const key = `${name} ${internals.place(url, lineNumber)}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
    const area = internals.area(url, name);
    areas.set(area, (areas.get(area) ?? 0) + us);
  });
  return [
    `CPU profile: ${(all / 1e6).toFixed(1)} s busy, ${(idle / 1e6).toFixed(1)} s idle (shares below are of the busy time)`,
    `top ${count} functions by self time:`,
    ...internals.top(functions, all, count),
    'by package / area:',
    ...internals.top(areas, all, 15),
  ].join('\n');
}

if (require.main === module) {
  process.stdout.write(`${summarizeProfile(process.argv[2], Number(process.argv[3] ?? 20))}\n`);
}
