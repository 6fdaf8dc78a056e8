/** The one error body every route answers with. */
import * as z from 'zod';

export const apiError = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable machine-readable code, e.g. AUTH_REPLAY' }),
      message: z.string().meta({ description: 'English message' }),
      message_zh: z.string().meta({ description: 'Chinese message for agency staff' }),
      requestId: z.string(),
      details: z.array(z.object({ path: z.string().optional(), message: z.string(), message_zh: z.string().optional() })).optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ApiError = z.infer<typeof apiError>;
