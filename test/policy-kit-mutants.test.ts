/**
 * policy/kit.ts, the helpers every rule stands on, called directly with hand-made arguments (issue 19).
 */
import { describe, expect, it } from "vitest";
import {
  COMPUTED,
  asNumber,
  asStringMap,
  configOf,
  effectiveTags,
  isTrue,
  isUnknown,
  ofTypes,
  parseMaybeJson,
  providerDefaultTags,
  resourceRule,
  ruleTypes,
  schemaFrom,
  stackRule,
  tierOfResource,
  tierOfStack,
  type PolicyResource,
} from "../policy/kit";
import { resourceReason } from "./policy-reasons";

const res = (type: string, props: Record<string, any>, name = "r") => ({ type, name, props }) as unknown as PolicyResource;
const provider = (tags: unknown) => ({ type: "pulumi:providers:aws", props: { defaultTags: tags } });

describe("unknown values and config", () => {
  it("a preview's placeholder is <computed>, and only it is unknown", () => {
    expect(COMPUTED).toBe("<computed>");
    expect(isUnknown("<computed>")).toBe(true);
    for (const v of ["", undefined, null, "computed", 0]) expect(isUnknown(v)).toBe(false);
  });
  it("configOf lays what the stack set over the defaults, and the defaults alone when it set nothing", () => {
    const defaults = { a: 1, b: ["x"] };
    expect(configOf({ getConfig: () => undefined as any }, defaults)).toEqual({ a: 1, b: ["x"] });
    expect(configOf({ getConfig: () => ({ b: ["y"] }) as any }, defaults)).toEqual({ a: 1, b: ["y"] });
  });
});

describe("schemaFrom", () => {
  it("types each default (string list, integer, number, boolean, string) and adds the optional fields", () => {
    expect(schemaFrom({ list: ["a"], count: 3, ratio: 0.8, on: false, name: "x", other: { nested: 1 } }, { tier: "string", max: "integer" })).toEqual({
      properties: {
        list: { type: "array", items: { type: "string" }, default: ["a"] },
        count: { type: "integer", default: 3 },
        ratio: { type: "number", default: 0.8 },
        on: { type: "boolean", default: false },
        name: { type: "string", default: "x" },
        tier: { type: "string" },
        max: { type: "integer" },
      },
    });
    expect(schemaFrom({})).toEqual({ properties: {} });
  });
});

describe("resourceRule and stackRule", () => {
  const seen: string[] = [];
  const rule = resourceRule({ name: "r", description: "d", types: ["a:b:C", "a:b:D"], validate: (props) => void seen.push(props.id) });
  it("apply to their types only, and say which they apply to otherwise", () => {
    expect(resourceReason(rule, "a:b:E", { id: "e" })).toBe("applies to a:b:C, a:b:D");
    expect(resourceReason(rule, "a:b:D", { id: "d" })).toBeUndefined();
    expect(seen).toEqual(["d"]);
    expect([...(ruleTypes(rule) ?? [])]).toEqual(["a:b:C", "a:b:D"]);
  });
  it("are mandatory unless told otherwise, and carry a config schema only when given one", () => {
    expect(rule).toMatchObject({ name: "r", description: "d", enforcementLevel: "mandatory" });
    expect("configSchema" in rule).toBe(false);
    const schema = schemaFrom({ n: 1 });
    const advisory = resourceRule({ name: "a", description: "d", enforcementLevel: "advisory", types: [], configSchema: schema, validate: () => undefined });
    expect(advisory).toMatchObject({ enforcementLevel: "advisory", configSchema: schema });
    const stack = stackRule({ name: "s", description: "sd", validate: () => undefined });
    expect(stack).toMatchObject({ name: "s", description: "sd", enforcementLevel: "mandatory" });
    expect("configSchema" in stack).toBe(false);
    expect(ruleTypes(stack)).toBeUndefined();
    expect(stackRule({ name: "s", description: "sd", enforcementLevel: "advisory", configSchema: schema, validate: () => undefined })).toMatchObject({ enforcementLevel: "advisory", configSchema: schema });
  });
});

describe("values as the engine hands them", () => {
  it("parseMaybeJson parses JSON text, keeps other text and non-text as they are", () => {
    expect(parseMaybeJson('{"a":1}')).toEqual({ a: 1 });
    expect(parseMaybeJson("not json")).toBe("not json");
    const obj = { a: 1 };
    expect(parseMaybeJson(obj)).toBe(obj);
    // A one-item list is not text: [80] stays a list (its text "80" would parse as a number).
    expect(parseMaybeJson([80])).toEqual([80]);
    expect(parseMaybeJson(["443"])).toEqual(["443"]);
  });
  it("asStringMap keeps the string entries of an object (or its JSON text), nothing of anything else", () => {
    expect(asStringMap({ a: "x", b: 1, c: null })).toEqual({ a: "x" });
    expect(asStringMap('{"a":"x"}')).toEqual({ a: "x" });
    for (const v of [null, undefined, "text", ["a"], 5]) expect(asStringMap(v)).toEqual({});
  });
  it("isTrue: true or the text true only", () => {
    expect(isTrue(true)).toBe(true);
    expect(isTrue("true")).toBe(true);
    for (const v of [false, "false", "yes", 1, undefined]) expect(isTrue(v)).toBe(false);
  });
  it("asNumber: numbers, and numeric text; not blank text or words", () => {
    expect(asNumber(3)).toBe(3);
    expect(asNumber("12")).toBe(12);
    expect(asNumber(" 7 ")).toBe(7);
    for (const v of ["", "  ", "abc", undefined, null, true]) expect(asNumber(v)).toBeUndefined();
  });
});

describe("tags and tiers", () => {
  it("providerDefaultTags reads defaultTags.tags, as an object or JSON text", () => {
    expect(providerDefaultTags(provider({ tags: { tier: "mvp" } }))).toEqual({ tier: "mvp" });
    expect(providerDefaultTags(provider(JSON.stringify({ tags: { tier: "growth" } })))).toEqual({ tier: "growth" });
    expect(providerDefaultTags(provider(undefined))).toEqual({});
    expect(providerDefaultTags({ type: "pulumi:providers:aws" })).toEqual({});
    expect(providerDefaultTags(undefined)).toEqual({});
  });
  it("effectiveTags: the provider's, then tagsAll, then the resource's own tags win", () => {
    const args = { provider: provider({ tags: { a: "p", b: "p", c: "p" } }), props: { tagsAll: { b: "all", c: "all" }, tags: { c: "own" } } };
    expect(effectiveTags(args)).toEqual({ a: "p", b: "all", c: "own" });
  });
  it("tierOfResource: the configured tier, else the tag; nothing for a name that is no tier", () => {
    const tagged = { provider: provider({ tags: { tier: "growth" } }), props: {} };
    expect(tierOfResource(tagged)).toBe("growth");
    expect(tierOfResource(tagged, "scale")).toBe("scale");
    expect(tierOfResource(tagged, "huge")).toBeUndefined();
    expect(tierOfResource({ props: { tags: { tier: "huge" } } })).toBeUndefined();
  });
  it("tierOfStack: the configured tier, else the first provider's or AWS resource's tier tag", () => {
    const prov = res("pulumi:providers:aws", { defaultTags: { tags: { tier: "scale" } } });
    const vpc = res("aws:ec2/vpc:Vpc", { tags: { tier: "growth" } });
    const k8s = res("kubernetes:core/v1:ConfigMap", { tags: { tier: "enterprise" } });
    expect(tierOfStack([prov], "mvp")).toBe("mvp");
    expect(tierOfStack([prov], "huge")).toBe("scale");
    expect(tierOfStack([k8s, vpc, prov])).toBe("growth");
    expect(tierOfStack([k8s, prov, vpc])).toBe("scale");
    expect(tierOfStack([k8s])).toBeUndefined();
    // A provider's own `tags` are not its default tags.
    expect(tierOfStack([res("pulumi:providers:aws", { tags: { tier: "growth" } })])).toBeUndefined();
    expect(tierOfStack([res("aws:ec2/vpc:Vpc", { tags: { tier: "huge" } }), vpc])).toBe("growth");
  });
  it("ofTypes keeps the resources of the given types, in order", () => {
    const a = res("t:a", {}, "a1"), b = res("t:b", {}, "b1"), a2 = res("t:a", {}, "a2");
    expect(ofTypes([a, b, a2], ["t:a"]).map((r) => r.name)).toEqual(["a1", "a2"]);
  });
});
