// The demo's mock MPP payment methods, shared by the upstream (server side) and the test payer (client side).
// Real mppx shapes throughout; only settlement is fake: a credential pays when its payload.token is "ok".
import { Method, z } from "mppx";
import { parseUnits } from "viem";

// Like mppx's tempo/stripe methods: the route gives a human amount plus decimals, the wire request carries
// base units only (decimals never travel).
const request = z.pipe(
  z.object({
    amount: z.amount(),
    decimals: z.number(),
    currency: z.string(),
    recipient: z.string(),
    description: z.optional(z.string()),
  }),
  z.transform(({ amount, decimals, ...rest }) => ({
    ...rest,
    amount: parseUnits(amount, decimals).toString(),
  })),
);

const credential = { payload: z.object({ token: z.string() }) };

/** The method the demo accepts and the test payer can pay. */
export const testCharge = Method.from({ name: "test", intent: "charge", schema: { credential, request } });

/** A second method nobody can pay: offered next to `test` to exercise alternative challenges. */
export const otherCharge = Method.from({
  name: "othermethod",
  intent: "charge",
  schema: { credential, request },
});
