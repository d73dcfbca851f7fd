import { moduleErrors } from '../../core/errors.ts'

/** The errors this module names itself; the codes clients and tests see in `error.code`. */
export enum LevyError {
  /** A payment notification lacks a field it must carry. */
  NoticeIncomplete = 'notice_incomplete',
  /** A payment notification's signature is not the provider's: a forgery or another account's key. */
  NoticeSignature = 'notice_signature',
  /** A payment notification's amount is not an amount. */
  NoticeAmount = 'notice_amount',
}

/** Makes a levies error; its kind (and so its HTTP status) is declared here once. */
export const levyError = moduleErrors<LevyError>({
  [LevyError.NoticeIncomplete]: 'invalid',
  [LevyError.NoticeSignature]: 'forbidden',
  [LevyError.NoticeAmount]: 'invalid',
})
