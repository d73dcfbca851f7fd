import { describe, expect, it } from 'vitest'
import { hlsTarget, relativePlaylist } from './service.ts'

const playlist = new URL('http://media.local:8888/cam7/index.m3u8')
const folder = new URL('.', playlist)

describe('HLS through the server', () => {
  it('keeps every URI of a MediaMTX-style playlist relative to the stream folder, and drops foreign segments', () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-VERSION:9',
      '#EXT-X-MAP:URI="http://media.local:8888/cam7/init.mp4"',
      '#EXT-X-STREAM-INF:BANDWIDTH=800000',
      'http://media.local:8888/cam7/stream.m3u8?token=x',
      '#EXTINF:2.000,',
      'seg/12.mp4',
      '#EXTINF:2.000,',
      'http://elsewhere.example/ad.ts',
      '#EXT-X-KEY:METHOD=AES-128,URI="http://evil.example/key"',
    ].join('\n')
    expect(relativePlaylist(text, playlist, folder).split('\n')).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:9',
      '#EXT-X-MAP:URI="init.mp4"',
      '#EXT-X-STREAM-INF:BANDWIDTH=800000',
      'stream.m3u8?token=x',
      '#EXTINF:2.000,',
      'seg/12.mp4',
    ])
  })

  it('never leaves the stream folder', () => {
    expect(hlsTarget(folder, 'seg/12.mp4')?.href).toBe('http://media.local:8888/cam7/seg/12.mp4')
    expect(hlsTarget(folder, 'stream.m3u8?_HLS_msn=4&_HLS_part=1')?.href).toBe('http://media.local:8888/cam7/stream.m3u8?_HLS_msn=4&_HLS_part=1')
    for (const bad of ['../admin', 'a/../../b', '//evil.example/x', 'http://evil.example/x', 'a b', '%2e%2e/x']) expect(hlsTarget(folder, bad)).toBeNull()
  })
})
