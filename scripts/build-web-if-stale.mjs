// Builds the web app when web/dist is missing or older than its sources (`npm test` serves it).
import { buildWeb, webIsStale } from './build.mjs'

if (webIsStale()) buildWeb()
