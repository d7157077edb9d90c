import { ProgressBar } from './progress-bar';
import { describeEventData } from './commands/event-summary';

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

  it('shows a detail after the label while it is set (e.g. the day being run)', () => {
    let now = 0;
    const { output } = recorder(false);
    const bar = new ProgressBar(output, 'servicing', null, 'commands', { now: () => now });
    now = 1000;
    bar.update(40, null, 'day 2026-06-14 (1/2)');
    expect(bar.line()).toBe('servicing  day 2026-06-14 (1/2)  40 commands  40 commands/s  elapsed 00:01');
    bar.update(60);
    expect(bar.line()).toContain('servicing  day 2026-06-14 (1/2)  60 commands');
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

describe('describeEventData', () => {
  it('simple members on the first line: money as amount and currency, flat objects and scalar lists inline', () => {
    expect(
      describeEventData({
        installmentNo: 2,
        amount: { amount: 500000, currency: 'CNY' },
        paidOn: '2023-01-10',
        payee: { name: 'Li Wei', accountRef: 'ACC-1' },
        codes: ['A', 'B'],
        note: null,
        none: [],
      }),
    ).toEqual([
      'installmentNo=2 amount=500000 CNY paidOn=2023-01-10 payee={name="Li Wei", accountRef=ACC-1} codes=[A, B] ' +
        'note=null none=[]',
    ]);
  });

  it('each item of a list of objects on its own line, nested objects by path: every change is shown', () => {
    expect(
      describeEventData({
        endorsementNo: 'P-1-E1',
        effectiveDate: '2024-05-01',
        changes: [
          { kind: 'CONTACT', phone: '+86 138 0000 0002', email: 'li@example.com' },
          { kind: 'SUM_ASSURED', newSumAssured: { amount: 40000000, currency: 'CNY' } },
          {
            kind: 'PREMIUM',
            newPremium: { modalPremium: { amount: 300000, currency: 'CNY' }, frequency: 'SEMI_ANNUAL' },
          },
          { kind: 'INSURED', newInsured: { name: 'Li Na', address: { city: 'Shanghai', line1: 'Road 1' } } },
          { kind: 'RIDERS', riders: { added: [{ code: 'R1', endDate: '2030-01-01' }] } },
        ],
      }),
    ).toEqual([
      'endorsementNo=P-1-E1 effectiveDate=2024-05-01',
      'changes[0]: kind=CONTACT phone="+86 138 0000 0002" email=li@example.com',
      'changes[1]: kind=SUM_ASSURED newSumAssured=40000000 CNY',
      'changes[2]: kind=PREMIUM newPremium={modalPremium=300000 CNY, frequency=SEMI_ANNUAL}',
      'changes[3]: kind=INSURED',
      'changes[3].newInsured: name="Li Na" address={city=Shanghai, line1="Road 1"}',
      'changes[4]: kind=RIDERS',
      'changes[4].riders.added[0]: code=R1 endDate=2030-01-01',
    ]);
  });

  it('data with only nested members starts with them; a long line is cut', () => {
    expect(describeEventData({ beneficiaries: [{ name: 'A', sharePercent: 100 }] })).toEqual([
      'beneficiaries[0]: name=A sharePercent=100',
    ]);
    const [line] = describeEventData({ text: 'x'.repeat(500) }, 50);
    expect(line).toHaveLength(50);
    expect(line.endsWith('…')).toBe(true);
  });
});
