import { defineActions } from '../../core/http/permissions.ts'

// The command center (admin, operator) writes for every OPD, an OPD officer for the OPDs they work for.
export const POST_ACTIONS = defineActions({
  'posts.post.read': { roles: 'any' },
  'posts.post.write': { roles: ['admin', 'operator', 'agency_officer'], opd: 'publishes the post' },
})
