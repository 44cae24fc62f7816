// The sign-in family classes (`descope.otp`, `descope.magicLink`, …), declared for TypeScript in
// src/families.d.ts. Each method passes its arguments on to the client's one dispatcher,
// `Descope.__call(method, ...args)`, whose `method` numbers the rows of `METHODS` in src/families.rs
// (same order: the classes by name, their methods as families.d.ts lists them). As Rust classes
// they cost 2 KB gzip more: each method was a wasm export with its own wrapper, each class a
// finalizer, `__wrap` and `free`, and every method body only passed its arguments on.

const descope = Symbol("descope");

// A family holds its own `Descope` object, which shares the client's state (the getter makes it).
class Family {
  constructor(d) {
    this[descope] = d;
  }
  free() {
    this[descope].free();
  }
}
if (Symbol.dispose) Family.prototype[Symbol.dispose] = Family.prototype.free;

function call(family, method, args) {
  return family[descope].__call(method, ...args);
}

export class EnchantedLink extends Family {
  signIn(...a) { return call(this, 0, a); }
  signUpOrIn(...a) { return call(this, 1, a); }
  signUp(...a) { return call(this, 2, a); }
  updateEmail(...a) { return call(this, 3, a); }
  verify(...a) { return call(this, 4, a); }
  waitForSession(...a) { return call(this, 5, a); }
}

export class MagicLink extends Family {
  signIn(...a) { return call(this, 6, a); }
  signUpOrIn(...a) { return call(this, 7, a); }
  signUp(...a) { return call(this, 8, a); }
  updateEmail(...a) { return call(this, 9, a); }
  updatePhone(...a) { return call(this, 10, a); }
  verify(...a) { return call(this, 11, a); }
}

export class Notp extends Family {
  signIn(...a) { return call(this, 12, a); }
  signUpOrIn(...a) { return call(this, 13, a); }
  signUp(...a) { return call(this, 14, a); }
  waitForSession(...a) { return call(this, 15, a); }
}

export class OAuth extends Family {
  exchange(...a) { return call(this, 16, a); }
  start(...a) { return call(this, 17, a); }
}

export class Otp extends Family {
  signIn(...a) { return call(this, 18, a); }
  signUpOrIn(...a) { return call(this, 19, a); }
  signUp(...a) { return call(this, 20, a); }
  updateEmail(...a) { return call(this, 21, a); }
  updatePhone(...a) { return call(this, 22, a); }
  verify(...a) { return call(this, 23, a); }
}

export class Password extends Family {
  policy(...a) { return call(this, 24, a); }
  replace(...a) { return call(this, 25, a); }
  sendReset(...a) { return call(this, 26, a); }
  signIn(...a) { return call(this, 27, a); }
  signUp(...a) { return call(this, 28, a); }
  update(...a) { return call(this, 29, a); }
}

export class Sso extends Family {
  exchange(...a) { return call(this, 30, a); }
  start(...a) { return call(this, 31, a); }
}

export class Totp extends Family {
  signUp(...a) { return call(this, 32, a); }
  update(...a) { return call(this, 33, a); }
  verify(...a) { return call(this, 34, a); }
}

export class WebAuthn extends Family {
  autofill(...a) { return call(this, 35, a); }
  isSupported(...a) { return call(this, 36, a); }
  signIn(...a) { return call(this, 37, a); }
  signUpOrIn(...a) { return call(this, 38, a); }
  signUp(...a) { return call(this, 39, a); }
  update(...a) { return call(this, 40, a); }
}

const classes = [EnchantedLink, MagicLink, Notp, OAuth, Otp, Password, Sso, Totp, WebAuthn];

/** A new object of the family class `kind` (`Class` in src/families.rs) over `d`. */
export function family(kind, d) {
  return new classes[kind](d);
}
