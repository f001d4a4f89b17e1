// How a partner's code uses the generated types. `npx tsc --noEmit` checks it against
// generated/graphql.ts; it compiles only while Decimal and DateTime are strings and JSON is a JSON value.
import type {
  JsonValue,
  OrderPolicyQuery,
  OrderPolicyQueryVariables,
  RecentAuditEventsQuery,
  Scalars,
  UpdateDebtorLimitsMutationVariables,
} from "../generated/graphql";

// Fails to compile unless A and B are the same type (`any` does not pass).
type Exactly<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const decimalIsString: Exactly<Scalars["Decimal"]["output"], string> = true;
export const decimalInputIsString: Exactly<Scalars["Decimal"]["input"], string> = true;
export const dateTimeIsString: Exactly<Scalars["DateTime"]["output"], string> = true;
export const jsonIsJsonValue: Exactly<Scalars["JSON"]["output"], JsonValue> = true;

// Decimal travels as a string ("100.00"): send it as one, exactly as the user typed it.
export const variables: OrderPolicyQueryVariables = { amount: "100.00" };
// @ts-expect-error a JavaScript number is not a Decimal: it would lose cents to float rounding
export const wrongVariables: OrderPolicyQueryVariables = { amount: 100 };

export const raiseMinimum: UpdateDebtorLimitsMutationVariables = {
  input: { id: "RGVidG9yOjE=", minimumOrderAmount: "250.00", checkoutPaymentLimit: null },
};

/** The minimum order amount that applies to the signed-in shop user: the debtor's own, else the shop's. */
export function minimumOrderAmount(data: OrderPolicyQuery): string {
  const viewer = data.viewer;
  if (viewer?.__typename !== "ShopUser") {
    return "0";
  }
  const amount: string = viewer.debtor.minimumOrderAmount ?? viewer.orderPolicy.minimumOrderAmount ?? "0";
  // @ts-expect-error a Decimal is not a number: compare amounts with a decimal library, not `<`
  const asNumber: number = viewer.orderPolicy.minimumOrderAmount ?? 0;
  void asNumber;
  return amount;
}

/** Whether the order goes to checkout, and the last sign-in as a Date (DateTime is ISO 8601 with offset). */
export function describe(data: OrderPolicyQuery): { checkout: boolean; lastLogin: Date | null } {
  if (data.viewer?.__typename !== "ShopUser") {
    return { checkout: false, lastLogin: null };
  }
  const lastLoginAt: string | null = data.viewer.lastLoginAt ?? null;
  return {
    checkout: data.viewer.orderPolicy.route === "CHECKOUT",
    lastLogin: lastLoginAt === null ? null : new Date(lastLoginAt),
  };
}

/** The audit details are any JSON value: narrow them before use. */
export function detailKeys(data: RecentAuditEventsQuery): string[] {
  return data.auditEvents.edges.flatMap(({ node }) => {
    const details: JsonValue = node.details;
    return typeof details === "object" && details !== null && !Array.isArray(details) ? Object.keys(details) : [];
  });
}
