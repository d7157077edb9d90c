import { ProgressBar } from './progress-bar';
import { summarizeEventData } from './commands/event-summary';

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { output: { isTTY, columns: 200, write: (text: string) => writes.push(text) }, writes };
}

describe('ProgressBar', () => {
  it('shows done/total, percent, the average rate and the ETA at that rate', () => {
    let now = 0;
    const { output } = recorder(false);
    const bar = new ProgressBar(output, 'rebuild', 10_000, 'events', { now: () => now });
    now = 2000;
    bar.update(2500);
    expect(bar.line()).toBe(
      'rebuild  [=====>                  ]  2,500/10,000 events  25%  1,250 events/s  ETA 00:06  elapsed 00:02',
    );
  });

  it('grows the total when more was done than counted, and has no ETA without a total', () => {
    let now = 0;
    const { output } = recorder(false);
    const bar = new ProgressBar(output, 'rebuild', 10, 'events', { now: () => now });
    now = 1000;
    bar.update(12);
    expect(bar.line()).toContain('12/12 events  100%');
    const counting = new ProgressBar(output, 'counting', null, 'events', { now: () => now });
    now = 2000;
    counting.update(300);
    expect(counting.line()).toBe('counting  300 events  300 events/s  elapsed 00:01');
  });

  it('redraws one line on a terminal, prints occasional lines otherwise', () => {
    let now = 0;
    const tty = recorder(true);
    const log = recorder(false);
    const onTty = new ProgressBar(tty.output, 'x', 100, 'events', { now: () => now });
    const inLog = new ProgressBar(log.output, 'x', 100, 'events', { now: () => now });
    for (let done = 1; done <= 100; done++) {
      now += 50;
      onTty.update(done);
      inLog.update(done);
    }
    onTty.finish();
    inLog.finish();
    expect(tty.writes.every((text) => text.startsWith('\r') || text === '\n')).toBe(true);
    expect(tty.writes.length).toBeGreaterThan(10);
    expect(log.writes.length).toBe(2);
    expect(log.writes[1]).toContain('100/100 events  100%');
  });
});

describe('summarizeEventData', () => {
  it('money as amount and currency, nested objects one level deep, arrays counted', () => {
    expect(
      summarizeEventData({
        installmentNo: 2,
        amount: { amount: 500000, currency: 'CNY' },
        paidOn: '2023-01-10',
        payee: { name: 'Li Wei', accountRef: 'ACC-1' },
        changes: [{ kind: 'CONTACT', phone: '1' }, { kind: 'DISCLOSURE' }],
        codes: ['A', 'B'],
        note: null,
      }),
    ).toBe(
      'installmentNo=2 amount=500000 CNY paidOn=2023-01-10 payee={name="Li Wei", accountRef=ACC-1} ' +
        'changes=[2 items] codes=[A, B] note=null',
    );
  });

  it('long data is truncated', () => {
    const summary = summarizeEventData({ text: 'x'.repeat(500) }, 50);
    expect(summary).toHaveLength(50);
    expect(summary.endsWith('…')).toBe(true);
  });
});
