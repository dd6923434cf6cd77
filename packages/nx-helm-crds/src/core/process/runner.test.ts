import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProcessError, runProcess, runProcessSync, tailLines, type ProcessRequest } from './runner';

/** A small node program as the child process. */
const node = (script: string, extra: Partial<ProcessRequest> = {}): ProcessRequest => ({ tool: 'probe', file: process.execPath, args: ['-e', script], ...extra });

const processError = (reason: ProcessError['reason'], message: RegExp) => (error: unknown) => {
  assert.ok(error instanceof ProcessError, String(error));
  assert.equal(error.reason, reason);
  assert.match(error.message, message);
  return true;
};

describe('runProcess', () => {
  it('returns standard output exactly and standard error', async () => {
    const result = await runProcess(node('process.stdout.write("a\\n\\n"); process.stderr.write("warn\\n")'));
    assert.deepEqual(result, { stdout: 'a\n\n', stderr: 'warn\n', exitCode: 0 });
  });

  it('passes input and the environment, and returns bytes when asked', async () => {
    const result = await runProcess({ ...node('process.stdin.pipe(process.stdout); process.stdin.on("end", () => process.stdout.write(process.env.EXTRA))'), input: 'é', env: { EXTRA: '!' }, encoding: 'buffer' });
    assert.deepEqual(Buffer.from(result.stdout).toString('utf8'), 'é!');
  });

  it('names the tool, the command and the exit code, with the end of standard error', async () => {
    const script = 'for (let i = 1; i <= 50; i++) console.error("line " + i); process.exit(3)';
    await assert.rejects(runProcess(node(script)), (error: unknown) => {
      processError('exit', /^probe failed: \S+node -e .* exited with code 3\.\n… \(10 lines before\)\nline 11\n/)(error);
      assert.match((error as Error).message, /\nline 50$/);
      assert.equal((error as ProcessError).details.exitCode, 3);
      return true;
    });
  });

  it('accepts exit codes that are answers', async () => {
    assert.equal((await runProcess(node('process.exit(1)', { exitCodes: [0, 1] }))).exitCode, 1);
    assert.equal((await runProcess(node('process.exit(7)', { exitCodes: 'any' }))).exitCode, 7);
  });

  it('kills a process past the timeout, with SIGKILL when it ignores SIGTERM', async () => {
    const started = Date.now();
    // The timeout leaves a loaded machine time to start node and install the handler.
    const script = 'process.on("SIGTERM", () => console.error("ignoring SIGTERM")); console.error("started"); setInterval(() => {}, 1000)';
    await assert.rejects(runProcess(node(script, { timeout: 1500, killGrace: 300 })), (error: unknown) => {
      processError('timeout', /^probe did not finish within 1500 ms and was killed \(\S+node -e .*\)\.\nstarted\nignoring SIGTERM$/)(error);
      assert.equal((error as ProcessError).details.signal, 'SIGKILL');
      return true;
    });
    assert.ok(Date.now() - started < 6_000, `took ${Date.now() - started} ms`);
  });

  it('stops a process that floods its output at the cap, naming the tool and the cap', async () => {
    const started = Date.now();
    await assert.rejects(
      // Blocking writes, and EPIPE ignored: only a kill stops it.
      runProcess(node('const line = "x".repeat(1023) + "\\n"; for (;;) try { require("fs").writeSync(1, line) } catch {}', { maxOutput: 1024 * 1024 })),
      processError('output-cap', /^probe wrote more than 1 MiB of output and was stopped \(.*\): nx-helm-crds keeps at most 1 MiB/),
    );
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  });

  it('reports a process killed by a signal, and a program that does not exist', async () => {
    await assert.rejects(runProcess(node('process.kill(process.pid, "SIGKILL")')), processError('signal', /^probe was killed by SIGKILL/));
    await assert.rejects(runProcess({ tool: 'nothing', file: '/no/such/program', args: [] }), processError('spawn', /^nothing could not be started \(\/no\/such\/program\): .*ENOENT/));
  });
});

describe('runProcessSync', () => {
  it('returns output and accepted exit codes, and fails on others', () => {
    assert.deepEqual(runProcessSync(node('process.stdout.write("ok")')), { stdout: 'ok', stderr: '', exitCode: 0 });
    assert.equal(runProcessSync(node('process.exit(1)', { exitCodes: [1] })).exitCode, 1);
    assert.ok(Buffer.isBuffer(runProcessSync({ ...node('process.stdout.write("ok")'), encoding: 'buffer' }).stdout));
    assert.throws(() => runProcessSync(node('console.error("bad"); process.exit(2)')), processError('exit', /^probe failed: .* exited with code 2\.\nbad$/));
  });

  it('kills at the timeout, stops at the cap, and names a program that does not exist', () => {
    assert.throws(() => runProcessSync(node('process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)', { timeout: 300 })), processError('timeout', /did not finish within 300 ms/));
    assert.throws(() => runProcessSync(node('for (;;) require("fs").writeSync(1, "x".repeat(1024))', { maxOutput: 64 * 1024 })), processError('output-cap', /wrote more than 65536 bytes of output/));
    assert.throws(() => runProcessSync({ tool: 'git', file: 'no-such-git-here', args: [] }), (error: unknown) => {
      processError('spawn', /^git could not be started/)(error);
      assert.equal((error as ProcessError).details.spawnMessage, 'spawnSync no-such-git-here ENOENT');
      return true;
    });
  });
});

describe('tailLines', () => {
  it('keeps the last lines and says how many came before', () => {
    assert.equal(tailLines('a\nb', 2), 'a\nb');
    assert.equal(tailLines('a\nb\nc\nd', 2), '… (2 lines before)\nc\nd');
  });
});
