import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
// next-intl's own core (its root entry needs React); the same translator and formatter the pages use.
import { createFormatter, createTranslator } from "use-intl/core";
import {
  describeRouting,
  routingTiers,
  type RoutingMember,
  type RoutingText,
} from "../../app/[locale]/(dashboard)/groups/routing-sentence";

function textFor(locale: string): RoutingText {
  const messages = JSON.parse(readFileSync(new URL(`../../messages/${locale}.json`, import.meta.url), "utf8"));
  const t = createTranslator({ locale, messages, namespace: "Groups.routing" });
  const format = createFormatter({ locale });
  return {
    message: (key, values) => t(key, values),
    either: (names) => format.list(names, { type: "disjunction" }),
  };
}

function member(providerName: string, priority: number, weight = 1, isEnabled = true): RoutingMember {
  return { providerName, priority, weight, isEnabled };
}

const fourTiers = [member("D", 3), member("C", 2, 1), member("A", 1), member("B", 2, 3)];

describe("routing sentence", () => {
  it("reads priority tiers in order, with a weighted either-or inside a tier", () => {
    assert.equal(describeRouting(fourTiers, textFor("en")), "Tries A; if it fails, B or C by weight 3:1; then D.");
  });

  it("says the same in Chinese, Japanese and Korean with their own list words", () => {
    assert.equal(describeRouting(fourTiers, textFor("zh")), "先尝试 A；失败则改用 B或C（按权重 3:1）；再失败则用 D。");
    assert.equal(
      describeRouting(fourTiers, textFor("ja")),
      "まず A を試します。失敗したら BまたはC（重み 3:1） を試します。それも失敗したら D を試します。",
    );
    assert.equal(
      describeRouting(fourTiers, textFor("ko")),
      "먼저 A에 요청합니다. 실패하면 B 또는 C(가중치 3:1)에 요청합니다. 그래도 실패하면 D에 요청합니다.",
    );
  });

  it("leaves disabled providers out, as the gateway skips them", () => {
    const members = [member("A", 1, 1, false), member("B", 2), member("C", 2, 1, false), member("D", 3)];
    assert.equal(describeRouting(members, textFor("en")), "Tries B; if it fails, D.");
  });

  it("lists three providers of one priority as a natural either-or list", () => {
    const members = [member("A", 1, 2), member("B", 1, 1), member("C", 1, 1)];
    assert.equal(describeRouting(members, textFor("en")), "Tries A, B, or C by weight 2:1:1.");
  });

  it("says every request fails when no provider is enabled", () => {
    const expected = "No enabled provider: every request to this group fails.";
    assert.equal(describeRouting([], textFor("en")), expected);
    assert.equal(describeRouting([member("A", 1, 1, false)], textFor("en")), expected);
  });

  it("orders tiers by priority and members by weight, whatever order they arrive in", () => {
    const tiers = routingTiers([member("Z", 5), member("low", 2, 1), member("high", 2, 9), member("first", 1)]);
    assert.deepEqual(
      tiers.map((tier) => [tier.priority, tier.members.map((entry) => entry.name)]),
      [
        [1, ["first"]],
        [2, ["high", "low"]],
        [5, ["Z"]],
      ],
    );
  });

  it("keeps provider names as plain text, whatever characters they hold", () => {
    const sentence = describeRouting([member("{evil} <b>x</b>", 1)], textFor("en"));
    assert.equal(sentence, "Tries {evil} <b>x</b>.");
  });
});
