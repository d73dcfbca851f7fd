// `npm start`: the README's first run gives the demo city with no extra step (see startsAsDemo), then starts Kendali.
import { startsAsDemo } from '../src/core/first-run.ts'

if (startsAsDemo(process.env)) process.env.DEMO = '1'
await import('../src/main.ts')
