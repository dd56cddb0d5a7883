"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { z } from "zod";
import { signIn } from "@/app/_framework/auth";
import { isLocale } from "@/app/_framework/i18n/routing";

export interface LoginState {
  error: "invalid" | "throttled" | null;
}

const loginSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  locale: z.string(),
});

export async function loginAction(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const parsed = loginSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: "invalid" };
  const locale = isLocale(parsed.data.locale) ? parsed.data.locale : "en";
  try {
    await signIn("credentials", {
      username: parsed.data.username,
      password: parsed.data.password,
      redirectTo: `/${locale}`,
    });
  } catch (error) {
    // signIn ends a success by throwing Next's redirect, which must propagate.
    if (error instanceof CredentialsSignin && error.code === "throttled") return { error: "throttled" };
    if (error instanceof AuthError) return { error: "invalid" };
    throw error;
  }
  return { error: null };
}
