/**
 * `hap.events()` on real HAProxy 2.6 processes and on the fake cluster: changes made raw, behind
 * the SDK's back, on every process or on one, come out as typed events; the iterator ends on
 * abort and on `return()` without leaving a timer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAProxy, type HAProxyEvent, InvalidArgumentError } from '../src/index.js';
import { onEvery, raw, SERVERS_TARGETS, type ServersTarget } from './servers-extra-targets.js';
import { countDumps } from './setup-haproxy.js';
import { waitFor, within } from './setup-wait.js';

/** Pull events until `done(seen)` holds (or fail after `ms`). */
async function collect(
  events: AsyncIterator<HAProxyEvent>,
  done: (seen: HAProxyEvent[]) => boolean,
  ms = 15_000,
): Promise<HAProxyEvent[]> {
  const seen: HAProxyEvent[] = [];
  const deadline = Date.now() + ms;
  while (!done(seen)) {
    if (Date.now() > deadline)
      throw new Error(
        `events not seen in time; got ${JSON.stringify(seen.map((e) => [e.type, e.object.key, e.from, e.to]))}`,
      );
    const next = await events.next();
    if (next.done) break;
    seen.push(next.value);
  }
  return seen;
}

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

for (const factory of SERVERS_TARGETS) {
  (factory.available ? describe : describe.skip)(`events: ${factory.name}`, () => {
    let target: ServersTarget;
    let hap: HAProxy;
    let dumps: () => number;
    const everyProcess = (command: string) => onEvery(target, (index) => raw(target, index, command));
    /**
     * Call before starting the events; the returned function waits until they have read their
     * baseline (one `show stat` per process), so that a change made after it is seen as one.
     */
    const baseline = () => {
      const from = dumps();
      return () =>
        waitFor(() => dumps() >= from + target.sockets.length, { what: 'the events baseline snapshot' });
    };

    beforeAll(async () => {
      target = await factory.start();
      hap = await HAProxy.connect({ socketDir: target.socketDir, timeout: 5000 });
      dumps = countDumps(hap);
    });
    afterAll(async () => {
      await hap?.close();
      await target?.close();
    });

    it('a change on every process is one event: weight, maint entered/left, status, server down/up', async () => {
      const baselineRead = baseline();
      const events = hap.events({ interval: 50 });
      try {
        // The first snapshot is the baseline: wait for one tick before changing anything.
        const first = events.next();
        await baselineRead();
        await everyProcess('set weight be/s3 20');
        await everyProcess('set server be/s4 state maint');
        const seen = [(await within(first, 'the first event')).value as HAProxyEvent];
        seen.push(
          ...(await collect(
            events,
            (all) =>
              [...seen, ...all].some((e) => e.type === 'server-weight') &&
              [...seen, ...all].some((e) => e.type === 'server-maint-entered'),
          )),
        );
        const weight = seen.find((e) => e.type === 'server-weight')!;
        expect(weight).toMatchObject({
          object: { kind: 'server', key: 'be/s3', name: 's3', backend: 'be' },
          from: 1,
          to: 20,
        });
        expect(weight.process).toBeUndefined();
        expect(weight.at).toBeInstanceOf(Date);
        const maint = seen.find((e) => e.type === 'server-maint-entered')!;
        expect(maint).toMatchObject({ object: { key: 'be/s4' }, from: 'no check', to: 'MAINT' });
        expect(maint.process).toBeUndefined();
        await everyProcess('set server be/s4 state ready');
        const back = await collect(events, (all) => all.some((e) => e.type === 'server-maint-left'));
        expect(
          back
            .filter((e) => e.object.key === 'be/s4')
            .map((e) => e.type)
            .sort(),
        ).toEqual(['server-maint-left', 'server-status', 'server-up'].sort());
      } finally {
        await events.return();
      }
    });

    it('a change on one process only carries that process', async () => {
      const baselineRead = baseline();
      const events = hap.events({ interval: 50, kinds: ['server-weight'] });
      try {
        const pulled = collect(events, (all) => all.length > 0);
        await baselineRead();
        await raw(target, 0, 'set weight be/s3 30');
        const [event] = await pulled;
        expect(event).toMatchObject({ type: 'server-weight', object: { key: 'be/s3' }, from: 20, to: 30 });
        expect(event!.process?.endpoint).toContain(target.sockets[0]!.split('/').at(-1)!);
      } finally {
        await events.return();
        await onEvery(target, (index) => raw(target, index, 'set weight be/s3 1'));
      }
    });

    it('kinds filter; drain, backend down/up and frontend status', async () => {
      const baselineRead = baseline();
      const events = hap.events({
        interval: 50,
        kinds: ['server-drain-entered', 'backend-down', 'backend-up', 'frontend-status'],
      });
      try {
        const pulled = collect(events, (all) =>
          ['server-drain-entered', 'backend-down', 'frontend-status'].every((type) =>
            all.some((e) => e.type === type),
          ),
        );
        await baselineRead();
        await everyProcess('set server be/s2 state drain');
        await everyProcess('set server be_other/d1 state maint');
        await everyProcess('disable frontend fe_other');
        const seen = await pulled;
        expect(new Set(seen.map((e) => e.type))).toEqual(
          new Set(['server-drain-entered', 'backend-down', 'frontend-status']),
        );
        expect(seen.find((e) => e.type === 'backend-down')).toMatchObject({
          object: { kind: 'backend', key: 'backend:be_other' },
          from: 'UP',
          to: 'DOWN',
        });
        expect(seen.find((e) => e.type === 'frontend-status')).toMatchObject({
          object: { kind: 'frontend', key: 'frontend:fe_other' },
          from: 'OPEN',
          to: 'PAUSED',
        });
        const up = collect(events, (all) => all.some((e) => e.type === 'backend-up'));
        await everyProcess('set server be_other/d1 state ready');
        expect((await up).find((e) => e.type === 'backend-up')).toMatchObject({
          object: { key: 'backend:be_other' },
        });
      } finally {
        await events.return();
        await everyProcess('set server be/s2 state ready');
        await everyProcess('enable frontend fe_other');
      }
    });

    it('server-added and server-removed (dynamic servers added and deleted behind the SDK)', async () => {
      const baselineRead = baseline();
      const events = hap.events({ interval: 50, kinds: ['server-added', 'server-removed'] });
      try {
        const added = collect(events, (all) => all.some((e) => e.type === 'server-added'));
        await baselineRead();
        await everyProcess('add server be/ev1 127.0.0.1:26977');
        expect((await added).find((e) => e.type === 'server-added')).toMatchObject({
          object: { kind: 'server', key: 'be/ev1', backend: 'be' },
          from: null,
          to: 'MAINT',
        });
        const removed = collect(events, (all) => all.some((e) => e.type === 'server-removed'));
        await everyProcess('del server be/ev1');
        expect((await removed).find((e) => e.type === 'server-removed')).toMatchObject({
          object: { key: 'be/ev1' },
          from: 'MAINT',
          to: null,
        });
      } finally {
        await events.return();
      }
    });

    it('return() and abort end the iteration at once, even mid-wait, with no timer left', async () => {
      const before = timers();
      const controller = new AbortController();
      const events = hap.events({ interval: 60_000, signal: controller.signal });
      const waiting = events.next();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = Date.now();
      controller.abort();
      expect(await waiting).toEqual({ value: undefined, done: true });
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await events.next()).toEqual({ value: undefined, done: true });

      const other = hap.events({ interval: 60_000 });
      const pending = other.next();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await other.return();
      expect(await pending).toEqual({ value: undefined, done: true });
      {
        await using disposable = hap.events({ interval: 60_000 });
        void disposable.next();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      let looped = 0;
      for await (const _ of hap.events({ interval: 10, signal: AbortSignal.abort() })) looped++;
      expect(looped).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(timers()).toBeLessThanOrEqual(before);
    });

    it('bad options: InvalidArgumentError', () => {
      expect(() => hap.events({ interval: 1 })).toThrow(InvalidArgumentError);
      expect(() => hap.events({ interval: Number.NaN })).toThrow(InvalidArgumentError);
      expect(() => hap.events({ kinds: ['server-exploded' as never] })).toThrow(InvalidArgumentError);
      expect(() => hap.events({ kinds: 'server-up' as never })).toThrow(InvalidArgumentError);
    });

    if (factory.name.startsWith('fake')) {
      it('a process that stops answering is reported as disappeared (fake cluster)', async () => {
        const baselineRead = baseline();
        const events = hap.events({ interval: 50, kinds: ['process-disappeared'] });
        try {
          const pulled = collect(events, (all) => all.length > 0);
          await baselineRead();
          await target.fake!.processes[3]!.close();
          const [gone] = await pulled;
          expect(gone!.type).toBe('process-disappeared');
          expect(gone!.process?.endpoint).toContain(target.sockets[3]!.split('/').at(-1)!);
        } finally {
          await events.return();
        }
      });
    }
  });
}
