import { randomBytes } from 'node:crypto';
import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { murmur2Partitioner } from './event-publisher';

describe('murmur2Partitioner', () => {
  const partitionMetadata = (count: number): PartitionerArgs['partitionMetadata'] =>
    Array.from({ length: count }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 1,
      replicas: [1],
      isr: [1],
    }));

  it("puts every key on the partition kafkajs's (Java-compatible) DefaultPartitioner picks", () => {
    const ours = murmur2Partitioner();
    const kafkajs = Partitioners.DefaultPartitioner();
    const keys = [
      '',
      'a',
      'ab',
      'abc',
      'abcd',
      'policy-BENCH-0000001',
      'agent-AG-007',
      'policy-P-ünïcödé-保单-😀',
      ...Array.from({ length: 2000 }, (_, index) => `policy-P${index}-${randomBytes(index % 13).toString('hex')}`),
      ...Array.from({ length: 200 }, (_, index) => randomBytes(index % 17).toString('latin1')),
    ];
    for (const partitions of [1, 3, 6, 7, 64]) {
      for (const key of keys) {
        for (const candidate of [key, Buffer.from(key)]) {
          const args = {
            topic: 't',
            partitionMetadata: partitionMetadata(partitions),
            message: { key: candidate, value: null },
          };
          expect([key, partitions, ours(args)]).toEqual([key, partitions, kafkajs(args)]);
        }
      }
    }
  });

  it('keeps an explicit partition and spreads keyless messages over the partitions', () => {
    const partition = murmur2Partitioner();
    const metadata = partitionMetadata(4);
    expect(
      partition({ topic: 't', partitionMetadata: metadata, message: { key: 'k', value: null, partition: 3 } }),
    ).toBe(3);
    const keyless = new Set(
      Array.from({ length: 20 }, () =>
        partition({ topic: 't', partitionMetadata: metadata, message: { value: null } }),
      ),
    );
    expect(keyless.size).toBeGreaterThan(1);
  });
});
