// @ts-check
// How a panel's class (the trainer's, the lab's, the explorer's) takes the methods its other
// files hold: each of those files has one of the panel's jobs (its views, its files, ...) as
// an object of methods, and the panel's class extends a base whose prototype has them all, so
// `this` is the panel in every one of them and a type check sees them as the panel's.

/**
 * The intersection of the members of union `U`.
 * @template U
 * @typedef {(U extends any ? (k: U) => void : never) extends ((k: infer I) => void) ? I : never} Intersection
 */

/**
 * A base class whose prototype has every method (and getter) of each of `parts`.
 * @template {object[]} P
 * @param {P} parts
 * @returns {new () => Intersection<P[number]>}
 */
export function withParts(...parts) {
  class Parts {}
  for (const part of parts) Object.defineProperties(Parts.prototype, Object.getOwnPropertyDescriptors(part));
  return /** @type {any} */ (Parts);
}
