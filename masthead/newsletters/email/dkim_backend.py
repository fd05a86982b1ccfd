"""Django's SMTP backend, signing each message with the configured DKIM key."""

import email.policy

from django.core.mail.backends.smtp import EmailBackend

from masthead.newsletters.email.message import DkimSigner


class DkimSmtpBackend(EmailBackend):
    def _send(self, email_message):
        signer = DkimSigner.from_settings()
        if signer is None:
            return super()._send(email_message)
        if not email_message.recipients():
            return False
        from_email = self.prep_address(email_message.from_email)
        recipients = [self.prep_address(a) for a in email_message.recipients()]
        raw = email_message.message(policy=email.policy.SMTP).as_bytes()
        self.connection.sendmail(from_email, recipients, signer.sign(raw))
        return True
