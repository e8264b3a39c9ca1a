/**
 * The parts of Shopify's webhook payloads the service reads, as zod/mini schemas (lean in a Lambda
 * bundle). Unknown fields pass unread. Money arrives as strings ("199.00") and, on refund lines, as
 * numbers (195.66); ids as numbers, which the JSON reader keeps as exact strings past 2^53
 * (`parseJson`). Timestamps carry offsets and are normalised to UTC.
 */
import * as z from 'zod/mini';

export const idSchema = z.union([
  z.int().check(z.positive()),
  z.string().check(z.regex(/^[1-9][0-9]{0,29}$/)),
]);

export const moneySchema = z.union([z.string().check(z.maxLength(40)), z.number()]);

export const moneySetSchema = z.object({
  shop_money: z.object({ amount: moneySchema, currency_code: z.string().check(z.regex(/^[A-Z]{3}$/)) }),
});

/** ISO 8601 with a time and an offset, as Shopify writes them, in years a ledger can hold. */
const ISO_TIMESTAMP = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;
export const timestampSchema = z.string().check(
  z.maxLength(40),
  z.refine((value) => {
    const year = Number(ISO_TIMESTAMP.exec(value)?.[1]);
    return year >= 1970 && year <= 9999 && !Number.isNaN(Date.parse(value));
  }, 'an ISO 8601 timestamp, 1970 to 9999'),
);

const taxLineSchema = z.object({ price: moneySchema, price_set: z.optional(moneySetSchema) });

const discountAllocationSchema = z.object({ amount: z.nullish(moneySchema), amount_set: z.nullish(moneySetSchema) });

/** A line: its tax, and (for gift cards bought, which earn nothing) its price, quantity and discounts. */
const lineItemSchema = z.object({
  gift_card: z.nullish(z.boolean()),
  /** The line's product, for product campaigns (docs/campaigns.md); null for a custom item. */
  product_id: z.nullish(idSchema),
  price: z.nullish(moneySchema),
  price_set: z.nullish(moneySetSchema),
  quantity: z.nullish(z.int().check(z.nonnegative())),
  discount_allocations: z.nullish(z.array(discountAllocationSchema)),
  tax_lines: z.nullish(z.array(taxLineSchema)),
});

const consentSchema = z.nullish(z.object({ state: z.nullish(z.string().check(z.maxLength(40))), consent_updated_at: z.nullish(timestampSchema) }));

export const customerSchema = z.object({
  id: idSchema,
  email: z.nullish(z.string().check(z.maxLength(320))),
  first_name: z.nullish(z.string().check(z.maxLength(255))),
  last_name: z.nullish(z.string().check(z.maxLength(255))),
  phone: z.nullish(z.string().check(z.maxLength(40))),
  created_at: z.nullish(timestampSchema),
  updated_at: z.nullish(timestampSchema),
  email_marketing_consent: consentSchema,
  /** Whether the customer verified their email (customers/create): only then may it claim guest orders. */
  verified_email: z.nullish(z.boolean()),
});

export const orderSchema = z.object({
  id: idSchema,
  customer: z.nullish(customerSchema),
  /** A guest checkout's email when `email` is absent: its points wait for an account with it (guest claims). */
  contact_email: z.nullish(z.string().check(z.maxLength(320))),
  created_at: timestampSchema,
  processed_at: z.nullish(timestampSchema),
  cancelled_at: z.nullish(timestampSchema),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
  subtotal_price: z.nullish(moneySchema),
  subtotal_price_set: z.nullish(moneySetSchema),
  taxes_included: z.nullish(z.boolean()),
  total_tax: z.nullish(moneySchema),
  total_tax_set: z.nullish(moneySetSchema),
  line_items: z.nullish(z.array(lineItemSchema)),
  /** For the referral fraud rules: the order's e-mail, the buyer's IP, where it ships. */
  email: z.nullish(z.string().check(z.maxLength(320))),
  browser_ip: z.nullish(z.string().check(z.maxLength(100))),
  shipping_address: z.nullish(
    z.object({
      name: z.nullish(z.string().check(z.maxLength(255))),
      address1: z.nullish(z.string().check(z.maxLength(255))),
      address2: z.nullish(z.string().check(z.maxLength(255))),
      city: z.nullish(z.string().check(z.maxLength(255))),
      zip: z.nullish(z.string().check(z.maxLength(40))),
      country_code: z.nullish(z.string().check(z.maxLength(10))),
    }),
  ),
  discount_codes: z.nullish(z.array(z.object({ code: z.string().check(z.maxLength(255)), amount: z.nullish(moneySchema) }))),
});

export const refundSchema = z.object({
  id: idSchema,
  order_id: idSchema,
  created_at: timestampSchema,
  processed_at: z.nullish(timestampSchema),
  refund_line_items: z.array(
    z.object({
      subtotal: moneySchema,
      subtotal_set: z.nullish(moneySetSchema),
      total_tax: z.nullish(moneySchema),
      total_tax_set: z.nullish(moneySetSchema),
      line_item: z.nullish(z.object({ gift_card: z.nullish(z.boolean()) })),
    }),
  ),
});

/** `customers/redact`, `customers/data_request`: the customer and the orders concerned. */
export const customerPrivacySchema = z.object({
  customer: z.object({ id: idSchema, email: z.nullish(z.string().check(z.maxLength(320))) }),
  orders_to_redact: z.nullish(z.array(idSchema).check(z.maxLength(10_000))),
  orders_requested: z.nullish(z.array(idSchema).check(z.maxLength(10_000))),
  data_request: z.nullish(z.object({ id: idSchema })),
});

/** `shop/redact` and `app/uninstalled` name the shop; the shop is the signed header's. */
export const shopPrivacySchema = z.object({});

export type OrderPayload = z.output<typeof orderSchema>;
export type RefundPayload = z.output<typeof refundSchema>;
export type CustomerPayload = z.output<typeof customerSchema>;
