import { Injectable } from '@nestjs/common';

/** The API's background feeds: catch-up subscriptions on $all that keep something up to date. */
export const FEEDS = ['embeddedProjection', 'orphanReassignment'] as const;
export type Feed = (typeof FEEDS)[number];

/**
 * Which background feeds stopped for good, and why. A feed whose subscription the event store refuses (a permanent
 * SubscriptionError, e.g. a checkpoint that is not an event boundary) stops instead of retrying for ever, and tells
 * this; readiness and the gRPC health of what it feeds then say so (with the reason), while the rest of the API serves
 * on. A feed that is not run by this process (disabled) never fails.
 */
@Injectable()
export class FeedHealth {
  private readonly failures = new Map<Feed, string>();
  private readonly listeners = new Set<() => void>();

  /** The feed stopped for good (until the cause is fixed and the process restarted). */
  failed(feed: Feed, reason: string): void {
    this.failures.set(feed, reason);
    for (const listener of this.listeners) listener();
  }

  /** Why the feed stopped, or undefined while it runs (or is not run here). */
  failureOf(feed: Feed): string | undefined {
    return this.failures.get(feed);
  }

  /** Calls `listener` when a feed fails; returns the unsubscribe. */
  onFailure(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
