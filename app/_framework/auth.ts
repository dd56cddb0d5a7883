import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getAdminById, getAdminByUsername, recordAdminLogin } from "../../db/queries/admin-users";
import { verifyPassword } from "../../db/crypto";
import { isLoginThrottled, recordLoginFailure, recordLoginSuccess } from "../../lib/server/login-throttle";
import { parseRole, type Role } from "../../lib/roles";
import { getServerState } from "../../lib/server/state";

class ThrottledSignin extends CredentialsSignin {
  code = "throttled";
}

const credentialsSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });

function clientAddress(request: Request | undefined): string {
  const forwarded = request?.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || request?.headers.get("x-real-ip") || "local";
}

declare module "next-auth" {
  interface Session {
    adminId: number;
    mustChangePassword: boolean;
    /** Read from the database on every request, never trusted from the cookie. */
    role: Role;
  }
}

/**
 * Admin sign-in with a JWT session cookie. The token carries the admin's session
 * version; logout and password changes bump it, so every older cookie stops working
 * at its next use (checked against the database on each session read).
 */
export const { handlers, auth, signIn, signOut } = NextAuth(async () => {
  const state = await getServerState();
  return {
    secret: state.secrets.authSecret,
    trustHost: true,
    session: { strategy: "jwt", maxAge: 7 * 24 * 60 * 60 },
    pages: { signIn: "/en/login" },
    logger: { error: () => undefined, warn: () => undefined, debug: () => undefined },
    providers: [
      Credentials({
        credentials: { username: {}, password: {} },
        async authorize(raw, request) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          const { username, password } = parsed.data;
          const address = clientAddress(request);
          if (isLoginThrottled(username, address)) throw new ThrottledSignin();
          const admin = await getAdminByUsername(state.db, username);
          const isValid = admin && !admin.isDisabled ? await verifyPassword(password, admin.passwordHash) : false;
          if (!admin || !isValid) {
            recordLoginFailure(username, address, { isKnownAccount: admin !== undefined });
            return null;
          }
          recordLoginSuccess(username);
          await recordAdminLogin(state.db, admin.id);
          return { id: String(admin.id), name: admin.username, sessionVersion: admin.sessionVersion };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.adminId = Number(user.id);
          token.sessionVersion = (user as { sessionVersion?: number }).sessionVersion;
        }
        const admin = typeof token.adminId === "number" ? await getAdminById(state.db, token.adminId) : undefined;
        // A removed or disabled user, or one whose role or password changed, is signed out here.
        if (!admin || admin.isDisabled || admin.sessionVersion !== token.sessionVersion) return null;
        token.mustChangePassword = admin.mustChangePassword;
        token.role = admin.role;
        token.name = admin.displayName || admin.email || admin.username;
        return token;
      },
      session({ session, token }) {
        session.adminId = Number(token.adminId);
        session.mustChangePassword = Boolean(token.mustChangePassword);
        session.role = parseRole(token.role);
        return session;
      },
    },
  };
});
