import type { KendaliEvent } from './api.ts'

/** One line of the console's event feed: an event, and how many times in a row it came for the same thing. */
export interface FeedItem {
  event: KendaliEvent
  repeats: number
}

/**
 * Puts a new event on top of the feed. A repeat of the top line (same type, same entity: an ambulance reporting
 * its position every few seconds) replaces that line and counts up, so one stream cannot push everything else out.
 */
export function addToFeed(feed: FeedItem[], event: KendaliEvent, size: number): FeedItem[] {
  const top = feed[0]
  if (top && event.entity !== null && top.event.type === event.type && top.event.entity === event.entity) {
    return [{ event, repeats: top.repeats + 1 }, ...feed.slice(1)]
  }
  return [{ event, repeats: 1 }, ...feed].slice(0, size)
}

/** The feed of events listed newest first (as GET /events?order=desc answers). */
export function feedOf(newestFirst: KendaliEvent[], size: number): FeedItem[] {
  return [...newestFirst].reverse().reduce<FeedItem[]>((feed, event) => addToFeed(feed, event, size), [])
}
