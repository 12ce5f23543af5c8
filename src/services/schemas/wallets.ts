// Wallet shapes. A method's secret goes in once and never comes out: views carry kind and address only.
import { z } from "zod";
import { METHOD_KINDS, MethodSecretSchema } from "../../wallets";
import { Currency, Decimals, MajorAmount, MoneyView } from "../money";
import { EpochMs, Name } from "./common";

const Caps = z.strictObject({
  currency: Currency,
  decimals: Decimals.optional().describe("default: the currency's minor units"),
  daily: MajorAmount.nullable().optional().describe("most this wallet pays per UTC day; null: no cap"),
  total: MajorAmount.nullable().optional().describe("most this wallet ever pays; null: no cap"),
});

export const CreateWalletBody = z.strictObject({ name: Name, caps: Caps });
export type CreateWalletBody = z.infer<typeof CreateWalletBody>;

export const UpdateWalletBody = z.strictObject({
  name: Name.optional(),
  status: z.enum(["active", "disabled"]).optional(),
  caps: Caps.optional(),
});
export type UpdateWalletBody = z.infer<typeof UpdateWalletBody>;

/** The secret of one payment method (write-only). */
export const AddMethodBody = z.strictObject({ secret: MethodSecretSchema });
export type AddMethodBody = z.infer<typeof AddMethodBody>;

export const WalletMethodView = z.object({
  id: z.string(),
  kind: z.enum(METHOD_KINDS),
  address: z.string().nullable(),
  createdAt: EpochMs,
});
export type WalletMethodView = z.infer<typeof WalletMethodView>;

export const WalletView = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(["active", "disabled"]),
  caps: z.object({ daily: MoneyView.nullable(), total: MoneyView.nullable() }),
  methods: z.array(WalletMethodView),
  createdAt: EpochMs,
});
export type WalletView = z.infer<typeof WalletView>;
