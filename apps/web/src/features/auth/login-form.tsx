"use client";
// Sign-in: auth.login sets the httpOnly weft_session cookie (through the /api forwarder), then we
// go where the operator was heading. Errors from the API (wrong password, lockout) show inline.
import { useMutation } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "../../trpc/client";
import { errorMessage, fieldOf } from "../../trpc/errors";
import { AlertIcon, WeftMark } from "../../ui/icons";
import { safeNextPath } from "./session";

export function LoginForm() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      // A full navigation: the new cookie is sent and no query cached while signed out survives.
      onSuccess: () => window.location.assign(safeNextPath(params.get("next"))),
    }),
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ username: username.trim(), password });
  };

  const field = login.error ? fieldOf(login.error) : undefined;
  const message = login.error ? errorMessage(login.error) : null;

  return (
    <form className="card login__card" onSubmit={submit} noValidate aria-labelledby="login-title">
      <div className="login__brand">
        <WeftMark size={34} />
        <div>
          <h1 className="login__title" id="login-title">
            Sign in to Weft
          </h1>
          <p className="login__sub">Operator console for your service mesh</p>
        </div>
      </div>

      {message ? (
        <div className="alert alert--bad" role="alert" id="login-error">
          <AlertIcon size={16} />
          <span>{capitalise(message)}</span>
        </div>
      ) : null}

      <div className="field">
        <label className="field__label" htmlFor="username">
          Username
        </label>
        <input
          id="username"
          className="input"
          name="username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          placeholder="admin"
          autoFocus
          aria-invalid={field === "username" || undefined}
          aria-describedby={message ? "login-error" : undefined}
          required
        />
      </div>
      <div className="field">
        <label className="field__label" htmlFor="password">
          Password
        </label>
        <input
          id="password"
          className="input"
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={field === "password" || login.isError || undefined}
          aria-describedby={message ? "login-error" : undefined}
          required
        />
      </div>
      <button type="submit" className="btn btn--primary btn--block" disabled={login.isPending || login.isSuccess}>
        {login.isPending || login.isSuccess ? "Signing in…" : "Sign in"}
      </button>
      <p className="login__foot">
        The first admin password is printed by <code>npm run up</code> and saved in <code>data/credentials.json</code>.
      </p>
    </form>
  );
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
