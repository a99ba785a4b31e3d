"""The words around a lesson, in each language a module can be read in.

A participant's pages (sign-in, two-step sign-in, home, modules) are in the language chosen
with the link at the top of every page (or ``?locale=es``, kept in a cookie), else the
browser's: everything around the lessons, the crisis resources first of all. Leader pages are
English. Spanish follows the modules' own register (usted).
"""

from __future__ import annotations

from chalicelib.clock import zone_city
from chalicelib.library import MAX_QUERY_LENGTH
from chalicelib.worksheets import MAX_FIELD_CHARS

# Each language by its own name: the link to the other language says where it goes.
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
# The languages as leaders' pages (in English) name them.
LANGUAGES_IN_ENGLISH = {"en": "English", "es": "Spanish"}

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "skip": "Skip to main content",
        "main_menu": "Main",
        "quick_exit": "Quick exit",
        "library": "Library",
        "groups": "Your groups",
        "two_step": "Two-step sign-in",
        "account": "Your account and reminders",
        "account_nav": "Account",
        "error_summary": "Please check this",
        "contact_title": "Where reminders go",
        "contact_private": "We use your email and phone number only for reminders, and to tell you before your account closes. Your group leader never sees them, or whether reminders are on.",
        "closing_contact": "Your account closes after {day}. We send a message to {contact} 30 days and 7 days before, even with reminders off.",
        "email_label": "Email",
        "phone_label": "Mobile phone",
        "not_set": "not set",
        "contact_hint": "Fill in one. We send a code there; nothing changes until you type the code below.",
        "new_email": "New email address",
        "new_phone": "New mobile number",
        "phone_hint": "The whole number with its area code, for example (555) 010-0123; outside the US, + and the country code first. Texts may cost you what your plan charges.",
        "send_code": "Send a code",
        "code_sent_to": "The 6-digit code we sent to",
        "confirm": "Confirm",
        "reminders_title": "Reminders",
        "reminders_explain": "A short message when you have something to read. It never says what it is about.",
        "reminders_on": "Send me reminders",
        "reminders_alumni": "You are not in a group now, so there is nothing new to read and no reminders about reading. You can still get a short message now and then to look at your plan.",
        "plan_reminder": "A reminder to look at your plan",
        "plan_reminder_explain": "Looking at your plan often helps keep it useful. The message only says it is a good time to look at your plan, with a link to it.",
        "plan_off": "No, thanks",
        "plan_weekly": "Once a week",
        "plan_monthly": "Once a month, on the first of that weekday (like the first Monday)",
        "plan_day": "Day of the week",
        "channel": "How",
        "channel_email": "By email",
        "channel_sms": "By text message",
        "reminder_time": "At what time",
        "reminder_days": "On which days",
        "trigger": "When",
        "trigger_day_before": "The day before something is due",
        "trigger_daily": "Every day while something is due",
        "quiet_hours": "Quiet hours (no reminders)",
        "quiet_hours_hint": "No reminder comes in these hours. The two notices before your account closes come in them only if they leave none of your day (9:00 to 20:00) free.",
        "quiet_from": "From",
        "quiet_until": "Until",
        "no_quiet_hours": "None",
        "timezone": "Your time zone",
        "reminder_language": "Language of the messages",
        "save": "Save",
        "reminders_private": "Every message has a link to stop reminders. For texts, you can also reply STOP.",
        "done_saved": "Saved.",
        "done_code_sent": "We sent a code. Type it below to confirm.",
        "done_code_sent_recently": "We sent a code a moment ago. It can take a minute to arrive. Type it below to confirm.",
        "done_confirmed": "Confirmed. You can now turn reminders on.",
        "done_contact_deleted": "Your email and phone number are deleted. Reminders are off.",
        "contact_delete_title": "Delete my email and phone number",
        "contact_delete_explain": "Reminders stop, and we delete the email address and phone number you gave us. Your other reminder choices stay, in case you add an address again.",
        "contact_delete_confirm": "I understand that reminders stop and my email and phone number are deleted",
        "contact_delete_button": "Delete my email and phone number",
        "error_forget_not_confirmed": "Tick the box to confirm, or leave this page to keep them.",
        # A participant's own password, on their account page (the sign-in words for the rest).
        "password_title": "Change your password",
        "password_change_explain": "If someone else may know your password, change it here. Then you are signed out on every phone and computer, this one too, and you sign in again with your new password.",
        "current_password": "Current password",
        "change_password": "Change password",
        "done_signed_out": "You are signed out.",
        "done_password_changed": "Your password is changed. You are signed out on every phone and computer, this one too. Sign in with your new password.",
        # The sign-in page after a form came in once the session had ended (chalicelib.kept_forms).
        "done_signed_out_inactive": "You were signed out after 15 minutes without activity. Sign in again and your answers will be back on the page, ready to save.",
        "done_signed_out_expired": "You were signed out: a sign-in lasts 12 hours. Sign in again and your answers will be back on the page, ready to save.",
        "done_signed_out_inactive_page": "You were signed out after 15 minutes without activity. Sign in again to go back to the page you were on.",
        "done_signed_out_expired_page": "You were signed out: a sign-in lasts 12 hours. Sign in again to go back to the page you were on.",
        "done_not_saved": "You are signed out, so what you sent was not saved. Sign in, then type it and send it again.",
        "error_current_password_missing": "Type your current password.",
        "error_wrong_current_password": "That is not your current password. Type it again.",
        # The first sign-in's and the account pages' words alike.
        "error_password_mismatch": "The new password and the one typed again are not the same.",
        "error_password_unchanged": "The new password is the same as your current one. Choose a different one.",
        "error_password_is_temporary": "That is the password you were given. Choose a new one that only you know.",
        "error_too_many_password_tries": "Too many tries. Wait a few minutes, then try again.",
        # The reminder form's refusals, in words (the service's own name its JSON fields).
        "error_invalid_days": "Choose at least one day.",
        "error_invalid_plan": "Choose how often to get a reminder about your plan.",
        "error_invalid_plan_day": "Choose a day for the reminder about your plan.",
        "error_quiet_hours_incomplete": "Choose when quiet hours start and when they end, or neither.",
        "error_invalid_quiet_hours": "Quiet hours cannot start and end at the same time. Change “From” or “Until”, or choose “None” for both.",
        "error_invalid_time": "Choose a time on the hour, or at quarter past, half past or quarter to.",
        "error_invalid_timezone": "Choose a time zone from the list.",
        "error_invalid_channel": "Choose how to get reminders: by email or by text message.",
        "error_invalid_trigger": "Choose when to get reminders.",
        "error_invalid_locale": "Choose the language of the messages.",
        "error_invalid_contact": "Fill in the email address or the mobile number (one of the two).",
        "reminders_stopped_title": "Reminders are off",
        "reminders_stopped": "You will get no more reminders.",
        "reminders_restart": "To turn them on again, sign in and open",
        # Reminders stopped from a message: the notices before the account closes still come.
        "stop_notices_later": "If your account is ever going to close, we will still tell you twice before it does: 30 days and 7 days before. Those messages are not reminders.",
        "stop_notices_two": "We will still tell you twice before your account closes: 30 days and 7 days before. Those messages are not reminders.",
        "stop_notices_one": "We will still tell you once more, 7 days before your account closes. That message is not a reminder.",
        "stop_account_closed": "Your account has closed, so we will not send you anything more.",
        "stop_link_invalid_title": "This link does not work",
        "stop_link_invalid": "The link is not complete or was changed. Nothing was changed. You can turn reminders off after signing in.",
        "stop_link_expired_title": "This link has expired",
        "stop_link_expired": "Links in our messages work for {days} days, and only while messages go to the email address or phone number they were sent to. Nothing was changed.",
        "stop_link_expired_how": "To turn reminders off, sign in and open",
        "stop_link_expired_newest": "The link in a message from the last {days} days works, if it came to the email address or phone number you use now.",
        "stop_confirm_title": "Stop reminders?",
        "stop_confirm": "Press the button to stop every reminder. Nothing changes until you do.",
        "stop_button": "Stop reminders",
        "stop_already_off": "Reminders are already off.",
        "reminders_stopped_from_message": "Reminders were turned off from a message on {day}.",
        "sign_out": "Sign out",
        "help_region": "Help in a crisis",
        "need_help": "Need help now?",
        "lifeline": "988 Suicide &amp; Crisis Lifeline: call or text",
        "helpline": "SAMHSA National Helpline:",
        "minutes": "About {n} min to read",
        "version": "Version",
        "changed": "This module changed since you read version {n}.",
        "what_changed": "What changed:",
        "on_this_page": "On this page",
        "sources": "Sources",
        "finished": "Finished reading?",
        "marked": "You marked this complete on",
        "score": "Knowledge check: {correct} of {total} right.",
        "right": "Right.",
        "answer_is": "The answer is:",
        "check": "Check what you learned (optional)",
        "toc_check": "Check what you learned",
        "complete": "Mark as complete",
        "complete_saves_worksheet": "This also saves your worksheet answers above.",
        "participants_only": "Participants mark modules complete here.",
        "switch": "Leer en español",
        "switch_lang": "es",
        "your_reading": "Your reading",
        "lesson": "Module",
        "not_translated": "This module is not in English yet.",
        "in_english": "(in English)",
        "next_up": "Next up",
        "before_group": "Read before {weekday}'s group, {date}",
        "catch_up": "To catch up: the group read this for its session on {weekday}, {date}",
        "before_group_today": "Read before today's group",
        "before_group_tomorrow": "Read before tomorrow's group",
        "your_tracks": "Your tracks",
        "track_progress": "{done} of {total} done",
        "after_that": "After that",
        "finished_items": "Finished ({n})",
        "all_done": "You have finished everything assigned to you. Well done.",
        "browse_library": "Browse the library",
        "search_library": "Search the library",
        "topic": "Topic",
        "all_topics": "All topics",
        "search": "Search",
        "lessons_found": "Modules found: {n}",
        "found_in_text": "Found in the module text",
        "show_all": "Show all modules",
        "no_results": "No module matches. Try another word or topic.",
        # {words}: a link that searches for them (the words the library has, nearest typed).
        "did_you_mean": "Did you mean: {words}?",
        # A search in one topic that found nothing: how many modules the words find in the
        # other topics, then a link that searches them all.
        "elsewhere_one": "1 module in other topics:",
        "elsewhere": "{n} modules in other topics:",
        "search_all_topics": "Search all topics",
        "unknown_topic": "That topic is not in the library, so here are all the topics.",
        "error_query_too_long": "Search for at most {limit} characters.",
        "answer_question": "Choose an answer for question {n}.",
        "answer_questions": "Choose an answer for questions {numbers}.",
        "list_and": " and ",
        "complete_without_answers": "Skip the questions and mark as complete",
        "back_to_start": "Back to the start of the module",
        "not_quite": "Not quite.",
        "you_chose": "You chose:",
        "right_answer": "The right answer:",
        "next_lesson": "Next:",
        "done_for_now": "You're done for now.",
        "back_home": "Back to your reading",
        "assigned": "Assigned to you",
        "due": "Due",
        "due_today": "Due today",
        "due_tomorrow": "Due tomorrow",
        "no_due": "No due date",
        "nothing_assigned": "Nothing is assigned to you right now. You can read anything in the library.",
        "about_min": "About {n} min",
        "empty": "The library is empty.",
        "topic_addiction": "Recovery",
        "topic_mental-health": "Mood and mind",
        "topic_stress-management": "Stress",
        "topic_life-skills": "Life skills",
        "status_completed": "Done",
        "status_completed_older_version": "Updated since you read it",
        "status_overdue": "Overdue",
        "status_not_started": "Not started",
        "status_started": "Started",
        "sign_in": "Sign in",
        "username": "Username",
        # The hand-out a group leader prints for one participant (leader_handout.html).
        "handout_heading": "Signing in to Steady",
        "handout_go_to": "Go to",
        "handout_temporary": "Temporary password",
        "handout_steps": "Sign in with this username and temporary password.",
        "handout_choose": "You will choose your own password when you sign in.",
        "handout_private": "Keep this paper private. Until you choose your own password, it lets anyone sign in as you.",
        "password": "Password",
        "sign_in_hint": "Your group leader gives you your username and first password.",
        "forgot_password": "Forgot your password? Ask your group leader or program for a new one.",
        "choose_password": "Choose your own password",
        # A first sign-in and a sign-in after a new temporary password look the same to us.
        "password_given_once": "The password you were given works only once. Now choose a password only you know.",
        "new_password": "New password",
        "password_rule": "12 or more characters, with uppercase and lowercase letters and a number.",
        "again": "Type it again",
        "save_continue": "Save and continue",
        "start_again": "Start again",
        "enter_code": "Enter your code",
        "open_app": "Open your authenticator app and find the code for {program}.",
        "code_label": "6-digit code",
        "two_step_on": "Two-step sign-in is on. Each time you sign in, {program} asks for a code from your authenticator app.",
        "back_to_account": "Back to your account",
        "two_step_required": "Your account can see group records, so it needs two-step sign-in before you go on. It takes two minutes.",
        "two_step_optional": "Two-step sign-in makes your account safer: signing in needs your password and a code from your phone.",
        "step_install": "Install an authenticator app on your phone if you do not have one (for example Google Authenticator, Microsoft Authenticator or 2FAS).",
        "step_add": "In the app, add an account: scan this QR code, or",
        "step_open": "open it in the app on this device",
        "cannot_scan": "Cannot scan? Type this key into the app instead:",
        "step_type": "Type the 6-digit code the app shows for {program}.",
        "turn_on": "Turn on two-step sign-in",
        "qr_title": "QR code for your authenticator app",
        "lost_phone": "Lost your phone or app? Ask your program's administrator to reset two-step sign-in.",
    },
    "es": {
        "skip": "Ir al contenido principal",
        "main_menu": "Menú principal",
        "quick_exit": "Salida rápida",
        "library": "Biblioteca",
        "groups": "Sus grupos",
        "two_step": "Inicio de sesión en dos pasos",
        "account": "Su cuenta y recordatorios",
        "account_nav": "Cuenta",
        "error_summary": "Revise esto, por favor",
        "contact_title": "A dónde van los recordatorios",
        "contact_private": "Usamos su correo y su teléfono solo para los recordatorios y para avisarle antes de que se cierre su cuenta. Su líder de grupo nunca los ve, ni sabe si los recordatorios están activados.",
        "closing_contact": "Su cuenta se cierra después del {day}. Le enviamos un mensaje a {contact} 30 días y 7 días antes, aunque los recordatorios estén desactivados.",
        "email_label": "Correo electrónico",
        "phone_label": "Teléfono móvil",
        "not_set": "sin configurar",
        "contact_hint": "Llene uno. Le enviamos un código; nada cambia hasta que escriba el código abajo.",
        "new_email": "Nuevo correo electrónico",
        "new_phone": "Nuevo número de móvil",
        "phone_hint": "El número con su código de área, por ejemplo (555) 010-0123; fuera de EE. UU., primero + y el código del país. Los mensajes de texto pueden costarle lo que cobre su plan.",
        "send_code": "Enviar un código",
        "code_sent_to": "El código de 6 dígitos que enviamos a",
        "confirm": "Confirmar",
        "reminders_title": "Recordatorios",
        "reminders_explain": "Un mensaje corto cuando tenga algo para leer. Nunca dice de qué se trata.",
        "reminders_on": "Enviarme recordatorios",
        "reminders_alumni": "Ahora no está en un grupo, así que no hay nada nuevo para leer ni recordatorios de lectura. Puede seguir recibiendo un mensaje corto de vez en cuando para mirar su plan.",
        "plan_reminder": "Un recordatorio para mirar su plan",
        "plan_reminder_explain": "Mirar su plan a menudo ayuda a que le siga sirviendo. El mensaje solo dice que es un buen momento para mirar su plan, con un enlace.",
        "plan_off": "No, gracias",
        "plan_weekly": "Una vez por semana",
        "plan_monthly": "Una vez al mes, el primer día de la semana elegido (por ejemplo, el primer lunes del mes)",
        "plan_day": "Día de la semana",
        "channel": "Cómo",
        "channel_email": "Por correo electrónico",
        "channel_sms": "Por mensaje de texto",
        "reminder_time": "A qué hora",
        "reminder_days": "Qué días",
        "trigger": "Cuándo",
        "trigger_day_before": "El día antes de que algo venza",
        "trigger_daily": "Todos los días mientras algo esté pendiente",
        "quiet_hours": "Horas de silencio (sin recordatorios)",
        "quiet_hours_hint": "En estas horas no llega ningún recordatorio. Los dos avisos antes del cierre de su cuenta solo llegan en ellas si no dejan libre nada de su día (de 9:00 a 20:00).",
        "quiet_from": "Desde",
        "quiet_until": "Hasta",
        "no_quiet_hours": "Ninguna",
        "timezone": "Su zona horaria",
        "reminder_language": "Idioma de los mensajes",
        "save": "Guardar",
        "reminders_private": "Cada mensaje tiene un enlace para dejar de recibir recordatorios. En los mensajes de texto también puede responder STOP.",
        "done_saved": "Guardado.",
        "done_code_sent": "Le enviamos un código. Escríbalo abajo para confirmar.",
        "done_code_sent_recently": "Le enviamos un código hace un momento. Puede tardar un minuto en llegar. Escríbalo abajo para confirmar.",
        "done_confirmed": "Confirmado. Ya puede activar los recordatorios.",
        "done_contact_deleted": "Su correo y su teléfono están borrados. Los recordatorios están desactivados.",
        "contact_delete_title": "Borrar mi correo y mi teléfono",
        "contact_delete_explain": "Los recordatorios se detienen y borramos el correo y el teléfono que nos dio. Sus otras opciones de recordatorio se quedan, por si agrega una dirección otra vez.",
        "contact_delete_confirm": "Entiendo que los recordatorios se detienen y que se borran mi correo y mi teléfono",
        "contact_delete_button": "Borrar mi correo y mi teléfono",
        "error_forget_not_confirmed": "Marque la casilla para confirmar, o salga de esta página para conservarlos.",
        "password_title": "Cambiar su contraseña",
        "password_change_explain": "Si otra persona puede saber su contraseña, cámbiela aquí. Después se cerrará la sesión en todos los teléfonos y computadoras, también en este, y usted iniciará sesión otra vez con su contraseña nueva.",
        "current_password": "Contraseña actual",
        "change_password": "Cambiar la contraseña",
        "done_signed_out": "Se cerró su sesión.",
        "done_password_changed": "Su contraseña está cambiada. Se cerró la sesión en todos los teléfonos y computadoras, también en este. Inicie sesión con su contraseña nueva.",
        "done_signed_out_inactive": "Se cerró su sesión después de 15 minutos sin actividad. Inicie sesión otra vez y sus respuestas volverán a estar en la página, listas para guardar.",
        "done_signed_out_expired": "Se cerró su sesión: una sesión dura 12 horas. Inicie sesión otra vez y sus respuestas volverán a estar en la página, listas para guardar.",
        "done_signed_out_inactive_page": "Se cerró su sesión después de 15 minutos sin actividad. Inicie sesión otra vez para volver a la página en la que estaba.",
        "done_signed_out_expired_page": "Se cerró su sesión: una sesión dura 12 horas. Inicie sesión otra vez para volver a la página en la que estaba.",
        "done_not_saved": "Su sesión está cerrada, así que lo que envió no se guardó. Inicie sesión, escríbalo y envíelo otra vez.",
        "error_current_password_missing": "Escriba su contraseña actual.",
        "error_wrong_current_password": "Esa no es su contraseña actual. Escríbala otra vez.",
        "error_password_mismatch": "La contraseña nueva y la que escribió otra vez no son iguales.",
        "error_password_unchanged": "La contraseña nueva es igual a la actual. Elija otra distinta.",
        "error_password_is_temporary": "Esa es la contraseña que le dieron. Elija una nueva que solo usted sepa.",
        "error_too_many_password_tries": "Demasiados intentos. Espere unos minutos y vuelva a intentarlo.",
        "error_invalid_time": "Elija una hora en punto, y cuarto, y media o menos cuarto.",
        "error_time_in_quiet_hours": "La hora del recordatorio está dentro de sus horas de silencio. Elija otra hora o cámbielas.",
        "error_invalid_days": "Elija al menos un día.",
        "error_invalid_plan": "Elija cada cuánto recibir un recordatorio sobre su plan.",
        "error_invalid_plan_day": "Elija un día para el recordatorio sobre su plan.",
        "error_quiet_hours_incomplete": "Elija cuándo empiezan y cuándo terminan las horas de silencio, o ninguna de las dos.",
        "error_invalid_quiet_hours": "Las horas de silencio no pueden empezar y terminar a la misma hora. Cambie «Desde» o «Hasta», o elija «Ninguna» en los dos.",
        "error_invalid_timezone": "Elija una zona horaria de la lista.",
        "error_invalid_channel": "Elija cómo recibir los recordatorios: por correo electrónico o por mensaje de texto.",
        "error_invalid_trigger": "Elija cuándo recibir los recordatorios.",
        "error_invalid_locale": "Elija el idioma de los mensajes.",
        "error_contact_not_confirmed": "Agregue y confirme un correo o un número antes de activar estos recordatorios.",
        "error_invalid_email": "Eso no parece un correo electrónico.",
        "error_invalid_phone": "Escriba el número con su código de área, por ejemplo (555) 010-0123. Fuera de EE. UU., empiece con + y el código del país.",
        "error_invalid_contact": "Llene el correo o el teléfono (uno de los dos).",
        "error_too_many_codes": "Enviamos demasiados códigos en esta hora. Inténtelo más tarde.",
        "error_wrong_contact_code": "Ese código no es correcto. Revise el último mensaje e inténtelo de nuevo.",
        "error_invalid_contact_code": "El código son los 6 dígitos que le enviamos.",
        "error_no_pending_code": "No hay ningún código pendiente o ya venció. Pida uno nuevo.",
        "error_too_many_attempts": "Demasiados códigos incorrectos. Pida uno nuevo.",
        "error_concurrent_change": "Sus recordatorios cambiaron al mismo tiempo. Inténtelo de nuevo.",
        "reminders_stopped_title": "Los recordatorios están desactivados",
        "reminders_stopped": "No recibirá más recordatorios.",
        "reminders_restart": "Para activarlos de nuevo, inicie sesión y abra",
        "stop_notices_later": "Si algún día su cuenta se va a cerrar, le avisaremos dos veces antes: 30 días y 7 días antes. Esos mensajes no son recordatorios.",
        "stop_notices_two": "Le avisaremos dos veces antes de que se cierre su cuenta: 30 días y 7 días antes. Esos mensajes no son recordatorios.",
        "stop_notices_one": "Le avisaremos una vez más, 7 días antes de que se cierre su cuenta. Ese mensaje no es un recordatorio.",
        "stop_account_closed": "Su cuenta ya se cerró, así que no le enviaremos nada más.",
        "stop_link_invalid_title": "Este enlace no funciona",
        "stop_link_invalid": "El enlace está incompleto o fue modificado. No se cambió nada. Puede desactivar los recordatorios después de iniciar sesión.",
        "stop_link_expired_title": "Este enlace ya no funciona",
        "stop_link_expired": "Los enlaces de nuestros mensajes funcionan durante {days} días, y solo mientras los mensajes vayan al correo electrónico o al número de teléfono al que se enviaron. No se cambió nada.",
        "stop_link_expired_how": "Para desactivar los recordatorios, inicie sesión y abra",
        "stop_link_expired_newest": "El enlace de un mensaje de los últimos {days} días funciona, si llegó al correo electrónico o al número de teléfono que usa ahora.",
        "stop_confirm_title": "¿Dejar de recibir recordatorios?",
        "stop_confirm": "Pulse el botón para dejar de recibir todos los recordatorios. No cambia nada hasta que lo pulse.",
        "stop_button": "Dejar de recibir recordatorios",
        "stop_already_off": "Los recordatorios ya están desactivados.",
        "reminders_stopped_from_message": "Los recordatorios se desactivaron desde un mensaje el {day}.",
        "sign_out": "Cerrar sesión",
        "help_region": "Ayuda en una crisis",
        "need_help": "¿Necesita ayuda ahora?",
        "lifeline": "Línea 988 de Prevención del Suicidio y Crisis: llame o envíe un texto al",
        "helpline": "Línea Nacional de Ayuda de SAMHSA:",
        "minutes": "Unos {n} min de lectura",
        "version": "Versión",
        "changed": "Este módulo cambió desde que leyó la versión {n}.",
        "what_changed": "Qué cambió:",
        "on_this_page": "En esta página",
        "sources": "Fuentes",
        "finished": "¿Terminó de leer?",
        "marked": "Lo marcó como terminado el",
        "score": "Comprobación: {correct} de {total} correctas.",
        "right": "Correcto.",
        "answer_is": "La respuesta es:",
        "check": "Compruebe lo que aprendió (opcional)",
        "toc_check": "Compruebe lo que aprendió",
        "complete": "Marcar como terminado",
        "complete_saves_worksheet": "Esto también guarda sus respuestas de la hoja de trabajo de arriba.",
        "participants_only": "Aquí los participantes marcan los módulos como terminados.",
        "switch": "Read in English",
        "switch_lang": "en",
        "your_reading": "Su lectura",
        "lesson": "Módulo",
        "not_translated": "Este módulo todavía no está en español.",
        "in_english": "(en inglés)",
        "next_up": "Lo siguiente",
        "before_group": "Léalo antes del grupo del {weekday}, {date}",
        "catch_up": "Para ponerse al día: el grupo lo leyó para su sesión del {weekday}, {date}",
        "before_group_today": "Léalo antes del grupo de hoy",
        "before_group_tomorrow": "Léalo antes del grupo de mañana",
        "your_tracks": "Sus rutas de lectura",
        "track_progress": "{done} de {total} terminados",
        "after_that": "Después",
        "finished_items": "Terminados ({n})",
        "all_done": "Terminó todo lo que tiene asignado. ¡Bien hecho!",
        "browse_library": "Ver la biblioteca",
        "search_library": "Buscar en la biblioteca",
        "topic": "Tema",
        "all_topics": "Todos los temas",
        "search": "Buscar",
        "lessons_found": "Módulos encontrados: {n}",
        "found_in_text": "Aparece en el texto del módulo",
        "show_all": "Ver todos los módulos",
        "no_results": "Ningún módulo coincide. Pruebe con otra palabra u otro tema.",
        "did_you_mean": "¿Quiso decir: {words}?",
        "elsewhere_one": "1 módulo en otros temas:",
        "elsewhere": "{n} módulos en otros temas:",
        "search_all_topics": "Buscar en todos los temas",
        "unknown_topic": "Ese tema no está en la biblioteca; aquí están todos los temas.",
        "error_query_too_long": "Busque con {limit} caracteres como máximo.",
        "answer_question": "Elija una respuesta para la pregunta {n}.",
        "answer_questions": "Elija una respuesta para las preguntas {numbers}.",
        "list_and": " y ",
        "complete_without_answers": "Saltar las preguntas y marcar como terminado",
        "back_to_start": "Volver al inicio del módulo",
        "not_quite": "No exactamente.",
        "you_chose": "Usted eligió:",
        "right_answer": "La respuesta correcta:",
        "next_lesson": "Siguiente:",
        "done_for_now": "Por ahora ha terminado.",
        "back_home": "Volver a su lectura",
        "assigned": "Asignado a usted",
        "due": "Para el",
        "due_today": "Para hoy",
        "due_tomorrow": "Para mañana",
        "no_due": "Sin fecha límite",
        "nothing_assigned": "Ahora no tiene nada asignado. Puede leer lo que quiera de la biblioteca.",
        "about_min": "Unos {n} min",
        "empty": "La biblioteca está vacía.",
        "topic_addiction": "Recuperación",
        "topic_mental-health": "Ánimo y mente",
        "topic_stress-management": "Estrés",
        "topic_life-skills": "Habilidades para la vida",
        "status_completed": "Terminado",
        "status_completed_older_version": "Cambió desde que lo leyó",
        "status_overdue": "Atrasado",
        "status_not_started": "Sin empezar",
        "status_started": "Empezado",
        "sign_in": "Iniciar sesión",
        "username": "Nombre de usuario",
        "handout_heading": "Cómo entrar a Steady",
        "handout_go_to": "Vaya a",
        "handout_temporary": "Contraseña temporal",
        "handout_steps": "Inicie sesión con este nombre de usuario y esta contraseña temporal.",
        "handout_choose": "Al iniciar sesión, usted elegirá su propia contraseña.",
        "handout_private": "Guarde este papel en privado. Hasta que elija su propia contraseña, cualquiera puede entrar con él como si fuera usted.",
        "password": "Contraseña",
        "sign_in_hint": "Su líder de grupo le da su nombre de usuario y su primera contraseña.",
        "forgot_password": "¿Olvidó su contraseña? Pídale una nueva a su líder de grupo o a su programa.",
        "choose_password": "Elija su propia contraseña",
        "password_given_once": "La contraseña que le dieron sirve solo una vez. Ahora elija una contraseña que solo usted sepa.",
        "new_password": "Contraseña nueva",
        "password_rule": "12 caracteres o más, con mayúsculas, minúsculas y un número.",
        "again": "Escríbala otra vez",
        "save_continue": "Guardar y seguir",
        "start_again": "Empezar de nuevo",
        "enter_code": "Escriba su código",
        "open_app": "Abra su aplicación de autenticación y busque el código de {program}.",
        "code_label": "Código de 6 dígitos",
        "two_step_on": "El inicio de sesión en dos pasos está activado. Cada vez que inicie sesión, {program} le pedirá un código de su aplicación de autenticación.",
        "back_to_account": "Volver a su cuenta",
        "two_step_required": "Su cuenta puede ver registros de grupos, así que necesita el inicio de sesión en dos pasos antes de seguir. Toma dos minutos.",
        "two_step_optional": "El inicio de sesión en dos pasos protege más su cuenta: para entrar necesita su contraseña y un código de su teléfono.",
        "step_install": "Instale una aplicación de autenticación en su teléfono si no tiene una (por ejemplo Google Authenticator, Microsoft Authenticator o 2FAS).",
        "step_add": "En la aplicación, agregue una cuenta: escanee este código QR, o",
        "step_open": "ábralo en la aplicación de este dispositivo",
        "cannot_scan": "¿No puede escanear? Escriba esta clave en la aplicación:",
        "step_type": "Escriba el código de 6 dígitos que la aplicación muestra para {program}.",
        "turn_on": "Activar el inicio de sesión en dos pasos",
        "qr_title": "Código QR para su aplicación de autenticación",
        "lost_phone": "¿Perdió su teléfono o la aplicación? Pida al administrador de su programa que restablezca el inicio de sesión en dos pasos.",
        # Errors the sign-in pages show, by error code (English uses the service's own message).
        "error_wrong_credentials": "El nombre de usuario y la contraseña no coinciden. Inténtelo de nuevo.",
        "error_password_reset_required": "Hay que restablecer su contraseña. Pídaselo a su líder de grupo.",
        "error_cannot_sign_in_here": "Esta cuenta no puede iniciar sesión aquí. Pregunte a su líder de grupo.",
        "error_challenge_lost": "Ese inicio de sesión caducó antes de terminarse. Inicie sesión de nuevo.",
        "error_invalid_password": "Elija una contraseña de 12 caracteres o más, con mayúsculas, minúsculas y un número.",
        "error_wrong_code": "Ese código no funcionó. Los códigos cambian cada 30 segundos: escriba el más reciente.",
        "error_invalid_code": "Escriba el código de 6 dígitos de su aplicación de autenticación.",
    },
}

MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"),
}
WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}
DAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
}


# The limits that refusals' words name ("{limit}"), by error code, for the errors that do not
# carry their own (a worksheet's FieldError has ``limit``).
LIMITS = {"query_too_long": MAX_QUERY_LENGTH}


def message(error: object, lang: str) -> str:
    """What to show for a ``SteadyError`` on a page: its words in ``lang`` where they exist,
    with the limit they name (the error's ``limit``, else ``LIMITS``)."""
    code, text = getattr(error, "code", ""), getattr(error, "message", str(error))
    shown = WORDS.get(lang, {}).get(f"error_{code}", text)
    if "{limit}" in shown:
        limit = getattr(error, "limit", None) or LIMITS.get(code)
        if limit is not None:
            shown = shown.replace("{limit}", str(limit))
    weekday = getattr(error, "weekday", None)  # the day a refusal names ("{day}")
    if "{day}" in shown and isinstance(weekday, int) and lang in WEEKDAYS:
        shown = shown.replace("{day}", WEEKDAYS[lang][weekday])
    return shown


def count(n: int, lang: str) -> str:
    """A count as its language writes it: 2,340 in English; 2340 in Spanish (four digits take
    no separator there), 12 340 from five (a no-break space)."""
    if lang == "es":
        return str(n) if n < 10000 else f"{n:,}".replace(",", "\u00a0")
    return f"{n:,}"


def answer_error(
    error: object,
    lang: str,
    label: str,
    item: int | None = None,
    who: str = "",
    people: bool = False,
    phone: str = "",
    whole_list: bool = False,
    label_lang: str | None = None,
) -> str:
    """A worksheet's or the plan's refused answer as a sentence that makes sense alone, as in
    the error summary at the top of the page: the field's ``label``, then which ``item`` of a
    list (counting from 1; "person 2" in a list of ``people``), and for a phone number whose
    it is (``who``: the name typed on that row, else the person's number); for a number
    without a name, the ``phone`` typed. Too long: how long it is, the limit, and what to
    shorten (some items, for the total of a ``whole_list``).

    HTML to insert as it is (``Markup``; everything typed is escaped): a ``label`` in another
    language than the page's (``label_lang``: the English worksheet of a module with no
    Spanish version, on a Spanish page) is marked ``<span lang="en">`` so that a screen reader
    reads it in English, as the worksheet's own label is."""
    from markupsafe import Markup  # deferred, as Jinja2 is (``render``): pages only

    words = WORDS.get(lang, WORDS["en"])
    subject: str = label
    if label_lang and label_lang != lang:
        subject = Markup('<span lang="{}">{}</span>').format(label_lang, label)
    code = getattr(error, "code", "")
    if code == "invalid_contact_phone" and item is not None:
        # A name in quotes: "Luis, mi padrino" read as part of the sentence (walk 21, 9).
        name = " ".join(who.split())
        name = words["ws_quoted"].format(name) if name else words["ws_person_n"].format(n=item)
        return Markup(words["ws_error_phone"]).format(label=subject, who=name)
    if code == "contact_without_name" and phone.strip():
        return Markup(words["ws_error_no_name"]).format(
            label=subject, phone=" ".join(phone.split())
        )
    limit = getattr(error, "limit", None) or MAX_FIELD_CHARS
    length = getattr(error, "length", None)
    problem = words.get(f"error_{code}")
    if code == "answer_too_long" and length is not None and length > limit:
        # How long it is and what the limit is (walk 15, problem 12: the boxes no longer cut
        # a paste at the limit, so this is where a long answer is first told).
        key = "ws_too_long_items" if whole_list else "ws_too_long_item" if item else "ws_too_long"
        problem = words[key].format(length=count(length, lang), limit=count(limit, lang))
    elif problem is None:  # English: the service's own words
        problem = str(getattr(error, "field_message", None) or getattr(error, "message", error))
    problem = problem.replace("{limit}", str(limit))
    if item is None:
        return Markup(words["ws_error_field"]).format(label=subject, problem=problem)
    key = "ws_error_person" if people else "ws_error_item"
    return Markup(words[key]).format(label=subject, n=item, problem=problem)


# Worksheets and My plan (chalicelib.web.worksheet_pages, plan_pages): kept together here so
# their pages add words without touching the table above.
_WORKSHEET_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "ws_heading": "Your worksheet",
        "ws_private": "Only you can see your answers, unless you share them. Saving does not mark the module complete.",
        "ws_saved": "Saved.",
        "ws_saved_count": "You have answered {n} of {total} questions.",
        "ws_progress": "Your worksheet: {n} of {total} answered",
        "ws_saved_note": "Answers marked “Goes into My plan” are in your plan.",
        "ws_kept": "Your answers from before you were signed out are below. They are not saved yet: press Save my answers.",
        "ws_other_saved": "Saved in the other window or device:",
        "ws_other_empty": "No answer: it was cleared there.",
        "ws_merged": "Your answers were saved together with the ones saved in another window or on another device.",
        "error_worksheet_changed": "you changed this answer here and in another window or on another device. What was saved there is under your answer: keep yours, change it, or copy from the other, then save. Nothing is saved yet.",
        "check_kept": "Your answers from before you were signed out are chosen below. The module is not marked complete yet: press Mark as complete.",
        "retake_kept": "Your answers from before you were signed out are chosen below. They are not checked yet: press Check my answers.",
        "share_kept": "Before you were signed out, you chose to share this worksheet. It is not shared yet: press Share with my group leaders.",
        "unshare_kept": "Before you were signed out, you chose to stop sharing this worksheet. It is still shared: press Stop sharing.",
        "ws_see_plan": "See My plan",
        "ws_name": "Name {n}",
        "ws_phone": "Phone {n}",
        "ws_item": "Item {n}",
        "ws_no_answer": "No answer (clear my choice)",
        "ws_feeds_plan": "Goes into My plan",
        "ws_save": "Save my answers",
        "ws_keep_saved": "Keep the saved answers",
        "ws_choose": "Save my answers puts your answers in place of the ones saved there. Keep the saved answers keeps what was saved there for these questions and saves your other answers.",
        "ws_earlier_link": "Earlier saves ({n})",
        "ws_earlier_title": "Earlier saves",
        "ws_earlier_intro": "When you save a change to an answer or clear one, your answers from before are kept here. Only you can see them. The last {n} saves are kept; older ones are removed.",
        "ws_earlier_none": "There are no earlier saves of this worksheet.",
        "ws_earlier_saved": "Saved",
        "ws_earlier_replaced": "Replaced by your save on",
        "ws_earlier_back": "Back to your worksheet",
        # Said in the page's language first (walk 21, 8: a Spanish reader met only "Save and
        # read in English", as big as "Guardar mis respuestas"), then in the language it goes
        # on in, like "switch", for a reader of that one.
        "ws_save_switch_here": "Save and read in Spanish",
        "ws_quoted": "“{}”",
        "ws_save_switch": "Guardar y leer en español",
        "ws_shared_yes": "Your group leaders can see this worksheet.",
        # In no active group (they left their last one): nobody else reads it.
        "ws_no_group": "You are not in a group now. Nobody else can see this worksheet.",
        "ws_shared_no": "Your answers are private: only you can read them. Your group leaders see only how many questions you answered.",
        "ws_share": "Share with my group leaders",
        "ws_unshare": "Stop sharing",
        "ws_share_first": "Save your answers first.",
        "ws_share_saved": "Sharing shows your group leaders the answers you saved before, not the changes above that were not saved.",
        "ws_error_field": "{label}: {problem}",
        "ws_error_item": "{label}, item {n}: {problem}",
        "ws_error_person": "{label}, person {n}: {problem}",
        "ws_error_phone": "{label}: the phone number for {who} can have only digits, spaces, + - ( ) and an extension like “ext. 4”.",
        "ws_error_no_name": "{label}: add a name for {phone}.",
        "ws_person_n": "person {n}",
        # Too long, after the subject ("{label}: ..."): an answer, an item of a list, a list.
        "ws_too_long": "this answer is {length} characters long. The limit is {limit}: shorten it and save again.",
        "ws_too_long_item": "this is {length} characters long. The limit is {limit}: shorten it and save again.",
        "ws_too_long_items": "these items are {length} characters long in all. The limit is {limit}: shorten some of them and save again.",
        "my_plan": "My plan",
    },
    "es": {
        "ws_heading": "Su hoja de trabajo",
        "ws_private": "Solo usted puede ver sus respuestas, a menos que las comparta. Guardar no marca el módulo como terminado.",
        "ws_saved": "Guardado.",
        "ws_saved_count": "Ha respondido {n} de {total} preguntas.",
        "ws_progress": "Su hoja de trabajo: {n} de {total} respondidas",
        "ws_saved_note": "Las respuestas marcadas «Va a Mi plan» están en su plan.",
        "ws_kept": "Sus respuestas de antes de que se cerrara su sesión están abajo. Todavía no están guardadas: pulse Guardar mis respuestas.",
        "ws_other_saved": "Guardado en la otra ventana o dispositivo:",
        "ws_other_empty": "Sin respuesta: se borró allí.",
        "ws_merged": "Sus respuestas se guardaron junto con las que se guardaron en otra ventana o en otro dispositivo.",
        "error_worksheet_changed": "cambió esta respuesta aquí y en otra ventana o en otro dispositivo. Lo que se guardó allí está debajo de su respuesta: conserve la suya, cámbiela o copie de la otra, y guarde. Todavía no se guardó nada.",
        "check_kept": "Sus respuestas de antes de que se cerrara su sesión están marcadas abajo. El módulo todavía no está marcado como terminado: pulse Marcar como terminado.",
        "retake_kept": "Sus respuestas de antes de que se cerrara su sesión están marcadas abajo. Todavía no están revisadas: pulse Revisar mis respuestas.",
        "share_kept": "Antes de que se cerrara su sesión, eligió compartir esta hoja de trabajo. Todavía no está compartida: pulse Compartir con los líderes de mi grupo.",
        "unshare_kept": "Antes de que se cerrara su sesión, eligió dejar de compartir esta hoja de trabajo. Todavía está compartida: pulse Dejar de compartir.",
        "ws_see_plan": "Ver Mi plan",
        "ws_name": "Nombre {n}",
        "ws_phone": "Teléfono {n}",
        "ws_item": "Punto {n}",
        "ws_no_answer": "Sin respuesta (borrar mi elección)",
        "ws_feeds_plan": "Va a Mi plan",
        "ws_save": "Guardar mis respuestas",
        "ws_keep_saved": "Quedarme con las respuestas guardadas",
        "ws_choose": "Guardar mis respuestas pone sus respuestas en lugar de las guardadas allí. Quedarme con las respuestas guardadas deja lo que se guardó allí en estas preguntas y guarda sus otras respuestas.",
        "ws_earlier_link": "Respuestas guardadas antes ({n})",
        "ws_earlier_title": "Respuestas guardadas antes",
        "ws_earlier_intro": "Cuando guarda un cambio en una respuesta o la borra, sus respuestas de antes quedan aquí. Solo usted puede verlas. Se guardan las últimas {n}; las más antiguas se borran.",
        "ws_earlier_none": "No hay respuestas guardadas antes en esta hoja de trabajo.",
        "ws_earlier_saved": "Guardadas",
        "ws_earlier_replaced": "Reemplazadas al guardar el",
        "ws_earlier_back": "Volver a su hoja de trabajo",
        "ws_save_switch_here": "Guardar y leer en inglés",
        "ws_quoted": "«{}»",
        "ws_save_switch": "Save and read in English",
        "ws_shared_yes": "Los líderes de su grupo pueden ver esta hoja de trabajo.",
        "ws_no_group": "Ahora no está en un grupo. Nadie más puede ver esta hoja de trabajo.",
        "ws_shared_no": "Sus respuestas son privadas: solo usted puede leerlas. Los líderes de su grupo solo ven cuántas preguntas respondió.",
        "ws_share": "Compartir con los líderes de mi grupo",
        "ws_unshare": "Dejar de compartir",
        "ws_share_first": "Primero guarde sus respuestas.",
        "ws_share_saved": "Al compartir, los líderes de su grupo ven las respuestas que guardó antes, no los cambios de arriba que no se guardaron.",
        "ws_error_field": "{label}: {problem}",
        "ws_error_item": "{label}, punto {n}: {problem}",
        "ws_error_person": "{label}, persona {n}: {problem}",
        "ws_error_phone": "{label}: el teléfono de {who} solo puede tener números, espacios, + - ( ) y una extensión como «ext. 4».",
        "ws_error_no_name": "{label}: agregue un nombre para el {phone}.",
        "ws_person_n": "la persona {n}",
        "ws_too_long": "esta respuesta tiene {length} caracteres. El límite es {limit}: acórtela y guarde otra vez.",
        "ws_too_long_item": "tiene {length} caracteres. El límite es {limit}: acórtelo y guarde otra vez.",
        "ws_too_long_items": "estos puntos tienen {length} caracteres en total. El límite es {limit}: acorte algunos y guarde otra vez.",
        "my_plan": "Mi plan",
        # What is wrong with one answer, after its subject (``answer_error``); {limit}: characters.
        "error_answer_too_long": "tiene más de {limit} caracteres.",
        "error_too_many_items": "tiene demasiados puntos.",
        "error_invalid_contact_phone": "tiene un teléfono con algo que no son números, espacios, + - ( ) o una extensión.",
        "error_contact_without_name": "tiene un teléfono sin nombre.",
        "error_invalid_answer": "no se puede guardar así.",
    },
}
for _lang, _words in _WORKSHEET_WORDS.items():
    WORDS[_lang].update(_words)

# Home (chalicelib.web.reading_pages): how far each assigned module's worksheet is, on its card.
_HOME_WORKSHEET_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "home_ws_progress": "Worksheet: {n} of {total} answered",
        "home_ws_not_started": "Worksheet: not started",
        # After a finished module's worksheet that is not complete: why it is worth a visit.
        "home_ws_for_plan": "Your plan is built from these answers.",
        # Beside "Finished (n)", so it is seen while the list is folded.
        "home_ws_to_finish_one": "1 worksheet to finish",
        "home_ws_to_finish": "{n} worksheets to finish",
    },
    "es": {
        "home_ws_progress": "Hoja de trabajo: {n} de {total} respondidas",
        "home_ws_not_started": "Hoja de trabajo: sin empezar",
        "home_ws_for_plan": "Su plan se hace con estas respuestas.",
        "home_ws_to_finish_one": "1 hoja de trabajo por terminar",
        "home_ws_to_finish": "{n} hojas de trabajo por terminar",
    },
}
for _lang, _words in _HOME_WORKSHEET_WORDS.items():
    WORDS[_lang].update(_words)


# My plan (chalicelib.web.plan_pages); the downloaded plan's words are in chalicelib.plan.
_PLAN_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "plan_intro": "Your plan gathers what you wrote in your worksheets. Edit any part to make it your own: change the words, move items, remove them or add your own.",
        "plan_from_worksheets": "Your plan is made from the answers you saved in your worksheets, and it updates as you add more. Edit any part to keep your own version: change the words, move items, remove them or add your own.",
        "plan_saved_on": "Saved on",
        "plan_version": "Version {n}",
        "plan_saved": "Saved.",
        "plan_saved_version": "This is version {n} of your plan. Earlier versions are kept.",
        "plan_new": "New from a worksheet",
        "plan_new_note": "{n} new answers from your worksheets were added at the end of their parts. Edit a part to keep, move or remove them.",
        "plan_new_note_one": "1 new answer from your worksheets was added at the end of its part. Edit that part to keep, move or remove it.",
        "plan_files": "Download and print",
        "plan_pdf": "Download as PDF",
        "plan_text": "Download as text",
        "plan_versions": "Earlier versions",
        "plan_print": "To print, download the PDF above and print it, or use your browser's Print (on a phone it is often under Share). The plan prints on one or two pages, without the menus.",
        "plan_empty": "Nothing here yet. Worksheets in the modules fill this in, or add your own.",
        "plan_empty_old": "This part was empty in this version.",
        "plan_edit": "Edit this part",
        "plan_back": "Back to My plan",
        "plan_old_version": "Version {n}, as you saved it.",
        "error_title": "Error",
        "plan_edit_hint": "Change the words in any box. To move an item, type its new position number. Tick Remove to take it out. Use the empty boxes to add your own. Nothing changes until you save.",
        "plan_add_hint": "Write in the boxes to add your own. To choose the order, type a position number. Nothing changes until you save.",
        "plan_item": "Item {n}",
        "plan_add_item": "Add an item",
        # A part of people is a list of people, not items (walk 21, 10).
        "plan_add_person": "Add a person",
        "plan_person_n": "Person {n}",
        "plan_position_new": "Position (leave it empty to add it at the end)",
        "plan_person": "Name",
        "plan_phone": "Phone",
        "plan_words": "Words",
        "plan_position": "Position",
        "plan_error_position": "{label}, item {n}: type the position as a number, like 1 to put it first.",
        "plan_remove": "Remove",
        "plan_save": "Save my plan",
        "plan_kept": "Your changes from before you were signed out are below. They are not saved yet: press Save my plan.",
        "plan_cancel": "Cancel and go back",
        "plan_items": "{n} items",
        "plan_items_one": "1 item",
        "plan_older": "Older versions",
        "plan_no_versions": "You have not saved your plan yet. Each time you save it, the version before is kept here.",
        "plan_merged": "Your plan was changed in another window or on another device while you were editing here. Below are your changes and the ones saved there, together. Nothing is saved yet: check them, then save to keep both.",
        "plan_merged_added": "Saved in the other window or device:",
        "plan_merged_removed": "Removed in the other window or device:",
        "plan_updated": "Changed in a worksheet",
        "plan_updated_note": "Some items follow answers you changed in your worksheets. They are marked. Edit a part to keep, change or remove them.",
        "plan_offer": "Your worksheet answer changed. The new words are:",
        "plan_offer_use": "Use the new words",
        "plan_offer_keep": "Keep my words",
        "plan_offer_later": "Not sure yet? Choose neither. We will ask again next time.",
        "plan_offer_note": "Your worksheet answer changed. Edit this part to use the new words or keep yours.",
        "plan_error_update": "{label}, item {n}: choose Use the new words or Keep my words.",
        "data_title": "Your data",
        "data_link": "Your data: download or delete everything you wrote",
        "data_intro": "Everything you wrote in Steady: your worksheet answers, every saved version of your plan, and the answers you chose to the questions in each module. It also has your reminder settings: how and when, your time zone, and the email address or phone number you confirmed; the groups you are in or were in, with when you joined and left; and the dates of your account: when your access ends and when you chose your password.",
        "data_download": "Download it",
        "data_pdf": "Download as PDF",
        "data_json": "Download as JSON (for another program)",
        "data_delete": "Delete it",
        "data_delete_explain": "This deletes every worksheet answer, every version of your plan, and your answers each time you tried the questions again. It cannot be undone. What you read and completed stays, with the answers you chose then and your scores, so the leaders of a group you are in see your progress. Your reminder settings stay: you can delete your email address and phone number on your account page.",
        "data_confirm": "I understand that this deletes all my answers and my plan for good",
        "data_confirm_needed": "Tick the box to confirm, or leave this page to keep your answers.",
        "data_delete_button": "Delete my answers and my plan",
        "data_deleted": "Your answers and your plan are deleted.",
        "data_versions": "Every saved version of your plan",
        "data_versions_explain": "Every version you saved is in these files, for another program (JSON), newest first. When there are many, they do not all fit in one download: the JSON download above has the newest, and these files have the rest.",
        "data_versions_file": "Versions {first} to {last}",
        "data_version_file": "Version {first}",
        "data_versions_more": "Older versions",
        "privacy_title": "Who sees your records",
        "privacy_link": "Who sees your records",
        "privacy_groups": "Your groups",
        "privacy_rule": "From the day you joined a group, its leaders see what you read, your knowledge check scores, how much of each worksheet you filled in, and the answers you chose to share. You can let them see what you did before, and take that back at any time.",
        "privacy_joined": "joined",
        "privacy_sharing": "Its leaders can see what you did before you joined.",
        "privacy_not_sharing": "Its leaders see only what you did since you joined.",
        "privacy_allow": "Let this group's leaders see what I did before",
        "privacy_stop": "Stop showing what I did before",
        "privacy_changed": "Your choice is saved.",
        "privacy_choose": "Choose whether this group's leaders may see what you did before.",
        "privacy_no_group": "You are not in that group any more.",
        "privacy_no_groups": "You are not in a group right now.",
        "privacy_seen": "Who has seen your records",
        "privacy_when": "When",
        "privacy_who": "Who",
        "privacy_group": "Group",
        "privacy_role_you": "You",
        "privacy_role_group_leader": "A group leader",
        "privacy_role_administrator": "An administrator",
        "privacy_role_system": "Steady",
        "privacy_older": "Older",
        "privacy_what": "What",
        "privacy_what_progress": "Your progress",
        "privacy_what_list": "Your name on the group's list",
        "privacy_what_list_progress": "Your name on the group's list, and your progress",
        "privacy_what_worksheets": "Worksheet answers you shared",
        "privacy_what_worksheet_mark": "Whether you did the worksheet",
        "privacy_what_download": "Your records, downloaded",
        "privacy_what_records": "Your records",
        "privacy_what_password": "Gave you a new temporary password",
        "privacy_what_password_changed": "Changed your password (or tried to)",
        "privacy_what_added": "Added you to the group",
        "privacy_what_removed": "Took you out of the group",
        "privacy_what_renamed": "Changed the name your group leaders see for you",
        "privacy_what_history_shown": "Let the group's leaders see what you did before",
        "privacy_what_history_hidden": "Stopped showing the group's leaders what you did before",
        "privacy_what_reading": "Changed your reading list",
        "privacy_what_noted": "Marked a note about your progress as seen",
        "privacy_what_account_off": "Turned off your account",
        "privacy_what_account_on": "Turned your account back on",
        "privacy_what_plan_deleted": "Deleted your plan",
        "privacy_what_worksheets_deleted": "Deleted your worksheet answers",
        "privacy_what_data_deleted": "Deleted your records",
        "privacy_what_access_history": "Looked at who has seen your records",
        "privacy_between": "{first} to {last} ({n} times)",
        "privacy_times": "{time} ({n} times)",
        "privacy_nobody": "Nobody has looked at your records yet.",
        "access_ends_region": "When your access ends",
        "access_ends": "You can use Steady until {day}.",
        "error_access_ended": "Your access to Steady has ended: it stays open for a time after you leave your last group. Ask your program if you need it again.",
        "left_group": "You have left your group.",
        "access_ends_keep": "Download your plan (PDF) to keep it.",
    },
    "es": {
        "plan_intro": "Su plan reúne lo que escribió en sus hojas de trabajo. Edite cualquier parte para hacerlo suyo: cambie las palabras, mueva puntos, quítelos o agregue los suyos.",
        "plan_from_worksheets": "Su plan se hace con las respuestas que guardó en sus hojas de trabajo y se actualiza cuando agrega más. Edite cualquier parte para tener su propia versión: cambie las palabras, mueva puntos, quítelos o agregue los suyos.",
        "plan_saved_on": "Guardado el",
        "plan_version": "Versión {n}",
        "plan_saved": "Guardado.",
        "plan_saved_version": "Esta es la versión {n} de su plan. Las versiones anteriores se guardan.",
        "plan_new": "Nuevo de una hoja de trabajo",
        "plan_new_note": "Se agregaron {n} respuestas nuevas de sus hojas de trabajo al final de la parte del plan a la que pertenece cada una. Edite una parte para dejarlas, moverlas o quitarlas.",
        "plan_new_note_one": "Se agregó 1 respuesta nueva de sus hojas de trabajo al final de la parte del plan a la que pertenece. Edite esa parte para dejarla, moverla o quitarla.",
        "plan_files": "Descargar e imprimir",
        "plan_pdf": "Descargar en PDF",
        "plan_text": "Descargar como texto",
        "plan_versions": "Versiones anteriores",
        "plan_print": "Para imprimir, descargue el PDF de arriba e imprímalo, o use Imprimir en su navegador (en un teléfono suele estar en Compartir). El plan se imprime en una o dos páginas, sin los menús.",
        "plan_empty": "Todavía no hay nada. Las hojas de trabajo de los módulos llenan esta parte, o agregue lo suyo.",
        "plan_empty_old": "Esta parte estaba vacía en esta versión.",
        "plan_edit": "Editar esta parte",
        "plan_back": "Volver a Mi plan",
        "plan_old_version": "Versión {n}, como la guardó.",
        "error_title": "Error",
        "plan_edit_hint": "Cambie las palabras en cualquier casilla. Para mover un punto, escriba su nuevo número de posición. Marque Quitar para sacarlo. Use las casillas vacías para agregar lo suyo. Nada cambia hasta que guarde.",
        "plan_add_hint": "Escriba en las casillas para agregar lo suyo. Para elegir el orden, escriba un número de posición. Nada cambia hasta que guarde.",
        "plan_item": "Punto {n}",
        "plan_add_item": "Agregar a esta parte",
        "plan_add_person": "Agregar una persona",
        "plan_person_n": "Persona {n}",
        "plan_position_new": "Posición (déjela vacía para ponerla al final)",
        "plan_person": "Nombre",
        "plan_phone": "Teléfono",
        "plan_words": "Palabras",
        "plan_position": "Posición",
        "plan_error_position": "{label}, punto {n}: escriba la posición con un número, como 1 para ponerlo primero.",
        "plan_remove": "Quitar",
        "plan_save": "Guardar mi plan",
        "plan_kept": "Sus cambios de antes de que se cerrara su sesión están abajo. Todavía no están guardados: pulse Guardar mi plan.",
        "plan_cancel": "Cancelar y volver",
        "plan_items": "{n} puntos",
        "plan_items_one": "1 punto",
        "plan_older": "Versiones más antiguas",
        "plan_no_versions": "Todavía no ha guardado su plan. Cada vez que lo guarde, la versión anterior se queda aquí.",
        "plan_merged": "Su plan cambió en otra ventana o en otro dispositivo mientras lo editaba aquí. Abajo están juntos sus cambios y los que se guardaron allí. Todavía no se guardó nada: revíselos y guarde para conservar los dos.",
        "plan_merged_added": "Guardado en la otra ventana o dispositivo:",
        "plan_merged_removed": "Quitado en la otra ventana o dispositivo:",
        "plan_updated": "Cambió en una hoja de trabajo",
        "plan_updated_note": "Algunos puntos siguen respuestas que cambió en sus hojas de trabajo. Están marcados. Edite una parte para dejarlos, cambiarlos o quitarlos.",
        "plan_offer": "Su respuesta en la hoja de trabajo cambió. Las palabras nuevas son:",
        "plan_offer_use": "Usar las palabras nuevas",
        "plan_offer_keep": "Dejar mis palabras",
        "plan_offer_later": "¿Todavía no sabe? No elija ninguna. Le preguntaremos otra vez.",
        "plan_offer_note": "Su respuesta en la hoja de trabajo cambió. Edite esta parte para usar las palabras nuevas o dejar las suyas.",
        "plan_error_update": "{label}, punto {n}: elija Usar las palabras nuevas o Dejar mis palabras.",
        "error_plan_too_long": "Su plan es demasiado largo: quite o acorte algunos puntos.",
        "data_title": "Sus datos",
        "data_link": "Sus datos: descargue o borre todo lo que escribió",
        "data_intro": "Todo lo que escribió en Steady: sus respuestas de las hojas de trabajo, cada versión guardada de su plan y las respuestas que eligió a las preguntas de cada módulo. También tiene sus opciones de recordatorios: cómo y cuándo, su zona horaria y el correo electrónico o número de teléfono que confirmó; los grupos en los que está o estuvo, con cuándo entró y salió; y las fechas de su cuenta: cuándo termina su acceso y cuándo eligió su contraseña.",
        "data_download": "Descargarlos",
        "data_pdf": "Descargar en PDF",
        "data_json": "Descargar en JSON (para otro programa)",
        "data_delete": "Borrarlos",
        "data_delete_explain": "Esto borra todas sus respuestas, todas las versiones de su plan y sus respuestas cada vez que respondió las preguntas otra vez. No se puede deshacer. Lo que leyó y terminó se queda, con las respuestas que eligió entonces y sus resultados, y los líderes de un grupo en el que esté ven su progreso. Sus opciones de recordatorios se quedan: puede borrar su correo electrónico y su número de teléfono en la página de su cuenta.",
        "data_confirm": "Entiendo que esto borra para siempre todas mis respuestas y mi plan",
        "data_confirm_needed": "Marque la casilla para confirmar, o salga de esta página para conservar sus respuestas.",
        "data_delete_button": "Borrar mis respuestas y mi plan",
        "data_deleted": "Sus respuestas y su plan están borrados.",
        "data_versions": "Cada versión guardada de su plan",
        "data_versions_explain": "Cada versión que guardó está en estos archivos, para otro programa (JSON), de la más nueva a la más antigua. Cuando son muchas, no caben todas en una sola descarga: la descarga en JSON de arriba tiene las más nuevas, y estos archivos tienen las demás.",
        "data_versions_file": "Versiones {first} a {last}",
        "data_version_file": "Versión {first}",
        "data_versions_more": "Versiones más antiguas",
        "privacy_title": "Quién ve sus registros",
        "privacy_link": "Quién ve sus registros",
        "privacy_groups": "Sus grupos",
        "privacy_rule": "Desde el día en que entró a un grupo, sus líderes ven lo que usted leyó, sus resultados en las preguntas de comprobación, cuánto llenó de cada hoja de trabajo y las respuestas que eligió compartir. Puede dejarles ver lo que hizo antes, y quitarlo cuando quiera.",
        "privacy_joined": "entró el",
        "privacy_sharing": "Sus líderes pueden ver lo que hizo antes de entrar.",
        "privacy_not_sharing": "Sus líderes ven solo lo que hizo desde que entró.",
        "privacy_allow": "Dejar que los líderes de este grupo vean lo que hice antes",
        "privacy_stop": "Dejar de mostrar lo que hice antes",
        "privacy_changed": "Su elección está guardada.",
        "privacy_choose": "Elija si los líderes de este grupo pueden ver lo que hizo antes.",
        "privacy_no_group": "Ya no está en ese grupo.",
        "privacy_no_groups": "Ahora no está en ningún grupo.",
        "privacy_seen": "Quién ha visto sus registros",
        "privacy_when": "Cuándo",
        "privacy_who": "Quién",
        "privacy_group": "Grupo",
        "privacy_role_you": "Usted",
        "privacy_role_group_leader": "Un líder de grupo",
        "privacy_role_administrator": "Un administrador",
        "privacy_role_system": "Steady",
        "privacy_older": "Anteriores",
        "privacy_what": "Qué",
        "privacy_what_progress": "Su progreso",
        "privacy_what_list": "Su nombre en la lista del grupo",
        "privacy_what_list_progress": "Su nombre en la lista del grupo, y su progreso",
        "privacy_what_worksheets": "Respuestas de hojas de trabajo que usted compartió",
        "privacy_what_worksheet_mark": "Si hizo la hoja de trabajo",
        "privacy_what_download": "Sus registros, descargados",
        "privacy_what_records": "Sus registros",
        "privacy_what_password": "Le dio una contraseña temporal nueva",
        "privacy_what_password_changed": "Cambió su contraseña (o lo intentó)",
        "privacy_what_added": "Le añadió al grupo",
        "privacy_what_removed": "Le sacó del grupo",
        "privacy_what_renamed": "Cambió el nombre con el que le ven sus líderes del grupo",
        "privacy_what_history_shown": "Dejó que los líderes del grupo vean lo que hizo antes",
        "privacy_what_history_hidden": "Dejó de mostrar a los líderes del grupo lo que hizo antes",
        "privacy_what_reading": "Cambió su lista de lectura",
        "privacy_what_noted": "Marcó como vista una nota sobre su progreso",
        "privacy_what_account_off": "Desactivó su cuenta",
        "privacy_what_account_on": "Volvió a activar su cuenta",
        "privacy_what_plan_deleted": "Borró su plan",
        "privacy_what_worksheets_deleted": "Borró sus respuestas de las hojas de trabajo",
        "privacy_what_data_deleted": "Borró sus registros",
        "privacy_what_access_history": "Consultó quién ha visto sus registros",
        "privacy_between": "de {first} a {last} ({n} veces)",
        "privacy_times": "{time} ({n} veces)",
        "privacy_nobody": "Nadie ha visto sus registros todavía.",
        "access_ends_region": "Cuándo termina su acceso",
        "access_ends": "Puede usar Steady hasta el {day}.",
        "left_group": "Ya no está en su grupo.",
        "access_ends_keep": "Descargue su plan (PDF) para conservarlo.",
        "error_access_ended": "Su acceso a Steady terminó: sigue abierto un tiempo después de dejar su último grupo. Pregunte a su programa si lo necesita otra vez.",
    },
}
for _lang, _words in _PLAN_WORDS.items():
    WORDS[_lang].update(_words)


# Answering a lesson's knowledge check again (``reading_pages.retake``).
_RETAKE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "retake": "Try the questions again",
        "retake_first": "Answer the questions",
        "check_answers": "Check my answers",
        # Said where the questions are offered: the score is on the leaders' grid and CSV.
        # Whether the reader is in a group is not read for the lesson page, hence "If".
        "check_seen": "If you are in a group, its leaders see your score.",
        "attempt_n": "(Try {n}.)",
        "error_attempt_out_of_order": "These answers were not saved: the questions were answered again on another page. You can answer them again here, or go back to the start of the module to see your latest result.",
        # The questions answered again on a page of their own, without the last try's feedback.
        "retake_read_first": "Read the module again first if you like, then answer.",
        "retake_not_now": "Not now: back to the module",
        # "Mark as complete" sent in a second window after the first one's answers were saved.
        "answered_elsewhere": "You already answered these in another window; these are the answers that were saved.",
    },
    "es": {
        "retake": "Responder las preguntas otra vez",
        "retake_first": "Responder las preguntas",
        "check_answers": "Revisar mis respuestas",
        "check_seen": "Si está en un grupo, sus líderes ven su resultado.",
        "attempt_n": "(Intento {n}.)",
        "error_attempt_out_of_order": "Estas respuestas no se guardaron: las preguntas se respondieron otra vez en otra página. Puede responderlas otra vez aquí, o volver al inicio del módulo para ver su último resultado.",
        "retake_read_first": "Si quiere, lea el módulo otra vez antes de responder.",
        "retake_not_now": "Ahora no: volver al módulo",
        "answered_elsewhere": "Usted ya respondió estas preguntas en otra ventana; estas son las respuestas que se guardaron.",
    },
}
for _lang, _words in _RETAKE_WORDS.items():
    WORDS[_lang].update(_words)


# The time zones the reminders page offers (``account_pages.ZONES``, in groups), by a name
# people know: for the United States the zone's usual name, then the place it is named after;
# elsewhere the place (``zone_city``). A zone saved through the API that is not offered is shown
# by its place and its own name (``zone_name``).
TIME_ZONES: dict[str, dict[str, str]] = {
    "en": {
        "America/New_York": "Eastern Time (New York)",
        "America/Chicago": "Central Time (Chicago)",
        "America/Denver": "Mountain Time (Denver)",
        "America/Phoenix": "Mountain Time, no daylight saving (Phoenix)",
        "America/Los_Angeles": "Pacific Time (Los Angeles)",
        "America/Anchorage": "Alaska Time (Anchorage)",
        "Pacific/Honolulu": "Hawaii Time (Honolulu)",
        "America/Puerto_Rico": "Atlantic Time (Puerto Rico)",
        "UTC": "Coordinated Universal Time (UTC)",
    },
    "es": {
        "America/New_York": "Hora del Este (Nueva York)",
        "America/Chicago": "Hora del Centro (Chicago)",
        "America/Denver": "Hora de la Montaña (Denver)",
        "America/Phoenix": "Hora de la Montaña, sin horario de verano (Phoenix)",
        "America/Los_Angeles": "Hora del Pacífico (Los Ángeles)",
        "America/Anchorage": "Hora de Alaska (Anchorage)",
        "Pacific/Honolulu": "Hora de Hawái (Honolulu)",
        "America/Puerto_Rico": "Hora del Atlántico (Puerto Rico)",
        "UTC": "Tiempo universal coordinado (UTC)",
    },
}
# The groups of the time-zone list (``account_pages.ZONES``).
ZONE_GROUPS: dict[str, dict[str, str]] = {
    "en": {
        "us": "United States",
        "americas": "The Americas",
        "europe_africa": "Europe and Africa",
        "asia_pacific": "Asia and the Pacific",
        "other": "Other",
    },
    "es": {
        "us": "Estados Unidos",
        "americas": "América",
        "europe_africa": "Europa y África",
        "asia_pacific": "Asia y el Pacífico",
        "other": "Otra",
    },
}


def zone_name(zone: str, lang: str, offered: bool = True) -> str:
    """A time zone as the reminders page's list shows it in ``lang``: its usual name (United
    States), else its place; a zone the list does not offer (``offered`` false: saved through
    the API) by its place and its own name, "Kathmandu (Asia/Kathmandu)"."""
    named = TIME_ZONES.get(lang, TIME_ZONES["en"]).get(zone)
    if named:
        return named
    city = zone_city(zone, lang)
    return city if offered or city == zone else f"{city} ({zone})"


# Where a participant's page says whose calendar its dates are and whose clock its times are
# (README, "Dates and times"): the program's days for due dates, session dates and the day a
# module was completed; the participant's own zone for clock times.
_ZONE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "due_zone_note": "Due dates follow the program's time zone ({zone}).",
        "days_zone_note": "Dates on this page follow the program's time zone ({zone}).",
        "times_zone_note": "Times on this page are {zone}.",
        "done_on": "on {day}",
    },
    "es": {
        "due_zone_note": "Las fechas de entrega siguen la zona horaria del programa ({zone}).",
        "days_zone_note": "Las fechas de esta página siguen la zona horaria del programa ({zone}).",
        "times_zone_note": "Las horas de esta página son {zone}.",
        "done_on": "el {day}",
    },
}
for _lang, _words in _ZONE_WORDS.items():
    WORDS[_lang].update(_words)


# Form text the service refuses at the edge (``http.RefusedText``: a control character, or too
# long), named by the label the person sees on the form (``refused_text``).
_FORM_TEXT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "go_start": "Go to the start page",
        "go_form": "Back to the form",
        "text_answers": "One of your answers",
        "text_plan": "One of the items in your plan",
        "error_text_refused": "{label}: has a character that cannot be saved. Type it again without that character.",
        "error_text_too_long": "{label}: is longer than {limit} characters.",
        "error_form_text_refused": "Something sent with this form has a character that cannot be saved. Go back and try again.",
        "error_form_text_too_long": "Something sent with this form is longer than {limit} characters. Go back and try again.",
    },
    "es": {
        "go_start": "Ir a la página de inicio",
        "go_form": "Volver al formulario",
        "text_answers": "Una de sus respuestas",
        "text_plan": "Uno de los puntos de su plan",
        "error_text_refused": "{label}: tiene un carácter que no se puede guardar. Escriba el texto otra vez sin ese carácter.",
        "error_text_too_long": "{label}: tiene más de {limit} caracteres.",
        "error_form_text_refused": "Algo enviado con este formulario tiene un carácter que no se puede guardar. Vuelva atrás e inténtelo otra vez.",
        "error_form_text_too_long": "Algo enviado con este formulario tiene más de {limit} caracteres. Vuelva atrás e inténtelo otra vez.",
    },
}
for _lang, _words in _FORM_TEXT_WORDS.items():
    WORDS[_lang].update(_words)

# The fields a person types in, by the form's name for them: the words of their label. Fields
# nobody types in (hidden ones, choices) are "something sent with this form".
TYPED_FIELDS = {
    "username": "username",
    "password": "password",
    "new_password": "new_password",
    "confirm_password": "again",
    "current_password": "current_password",
    "code": "code_label",
    "email": "new_email",
    "phone": "new_phone",
}
# The same for group leaders' forms: their labels, in English like their pages.
LEADER_FIELDS = {
    "name": "Group name",
    "display_name": "Name shown to you",
    "leader_username": "Add a group leader",
    "inactive_days": "Days without activity before a participant needs attention",
    "due_date": "Due date",
    "session_date": "Group session date",
}


def refused_text(field: str, lang: str, limit: int | None = None) -> str:
    """What to show for a form ``field`` whose text was refused (``limit``: it was longer than
    that; else it held a control character), named as its form labels it, in ``lang``."""
    words = WORDS.get(lang, WORDS["en"])
    if field.startswith("answer-"):  # worksheet_pages.PREFIX
        label: str | None = words["text_answers"]
    elif field.startswith("plan-"):  # plan_pages' item fields
        label = words["text_plan"]
    elif field in TYPED_FIELDS:
        label = words[TYPED_FIELDS[field]]
    else:
        label = LEADER_FIELDS.get(field) if lang == "en" else None
    kind = "too_long" if limit else "refused"
    if label is None:
        return words[f"error_form_text_{kind}"].format(limit=limit)
    return words[f"error_text_{kind}"].format(label=label, limit=limit)


# The page for a refusal no form shows (``http.error_page``, problem.html): its heading by
# HTTP status (400 is ``error_summary``, the forms' error-summary heading), and, on a Spanish page, the refusals a participant
# meets by a stale link or a changed address in their words (``error_<code>``, as on forms);
# any other refusal gets its kind's sentence (``error_status_<status>``), never the service's
# English. ``invalid_format``'s service words are the API's ("format is txt or pdf."), hence
# English words too.
_PROBLEM_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "problem_403": "Not available",
        "problem_404": "Not found",
        "problem_409": "Not possible right now",
        "problem_413": "Too large",
        "problem_503": "Please try again",
        "problem_other": "Something went wrong",
        # An address no route has (``http.unknown_address``): its own heading, so its title
        # says what happened rather than the "Not found" of a module or plan that is gone.
        "problem_no_such_page": "Page not found",
        "error_no_such_page": "There is no page at this address. The link may be old, or the address may have a typo.",
        "error_invalid_format": "Steady cannot make a file of that kind. Go back and use one of the download links.",
        "error_invalid_before": "There is no file of your plan's versions at this address. Go back to Your data and use one of its links.",
    },
    "es": {
        "problem_403": "No disponible",
        "problem_404": "No se encontró",
        "problem_409": "No es posible ahora",
        "problem_413": "Demasiado largo",
        "problem_503": "Inténtelo otra vez",
        "problem_other": "Algo salió mal",
        "problem_no_such_page": "Página no encontrada",
        "error_no_such_page": "No hay ninguna página en esta dirección. Puede que el enlace sea antiguo o que la dirección tenga un error.",
        "error_status_400": "Algo en esta dirección no se pudo usar. Vuelva atrás o vaya a la página de inicio.",
        "error_status_403": "Su cuenta no puede abrir esta página.",
        "error_status_404": "Esta página no existe. Puede que el enlace sea antiguo.",
        "error_status_409": "Esto no se pudo hacer ahora. Recargue la página e inténtelo otra vez.",
        "error_status_413": "Lo que envió es demasiado largo.",
        "error_status_503": "Steady no pudo responder. Espere unos segundos e inténtelo otra vez.",
        "error_status_other": "Algo salió mal. Vaya a la página de inicio e inténtelo otra vez.",
        "error_csrf_failed": "Este formulario caducó. Vuelva atrás, recargue la página e inténtelo otra vez.",
        "error_module_not_found": "No existe ese módulo.",
        "error_plan_version_not_found": "No existe esa versión de su plan.",
        "error_plan_section_not_found": "No existe esa parte del plan.",
        "error_invalid_version": "El número de una versión es un número entero a partir de 1.",
        "error_group_not_found": "Usted no está en ese grupo.",
        "error_invalid_format": "Steady no puede crear un archivo de ese tipo. Vuelva atrás y use uno de los enlaces de descarga.",
        "error_invalid_before": "No hay ningún archivo de las versiones de su plan en esta dirección. Vuelva a Sus datos y use uno de sus enlaces.",
    },
}
for _lang, _words in _PROBLEM_WORDS.items():
    WORDS[_lang].update(_words)


def problem(error: object, lang: str) -> tuple[str, str]:
    """The heading and the message of the page for ``error`` (a ``SteadyError``) in ``lang``:
    its words where they exist (``problem_<code>``, ``message``); in English, else the heading
    for its status and the service's own message; in another language, else the heading and
    the sentence for its kind (its status)."""
    words = WORDS.get(lang, WORDS["en"])
    status = getattr(error, "status", 400)
    heading = words.get(f"problem_{getattr(error, 'code', '')}") or (
        words["error_summary"] if status == 400 else words.get(f"problem_{status}")
    )
    if lang == "en" or f"error_{getattr(error, 'code', '')}" in words:
        shown = message(error, lang)
    else:
        shown = words.get(f"error_status_{status}", words["error_status_other"])
    return heading or words["problem_other"], shown


# A group leader's forms refused by a use case (leader pages are English only): the words for
# the refusals whose service message names a JSON field or a rule of the API ("module_id",
# "reason is one of ..."). Every other refusal's message is already written for people.
WORDS["en"].update(
    {
        "error_invalid_assignment": "Choose a track or a module to assign.",
        "error_invalid_module_id": "Choose a track or a module to assign.",
        "error_invalid_reason": "That could not be marked as seen. Reload the page and try again.",
        "error_invalid_fingerprint": "That could not be marked as seen. Reload the page and try again.",
        # A track spread over the group's sessions (the Assign and Change dates forms).
        "error_first_session_required": "To give one module per session, give the first group session date.",
        "error_invalid_interval": "Give the days between sessions as a whole number from 1 to 28.",
        "error_invalid_per_session": "Give the modules per session as a whole number from 1 to 10.",
        # A track paced over the days the group meets on (walk 17, problem 1).
        "error_first_session_not_meeting_day": "The first session is on a {day}; choose it among the meeting days, or tick {day}.",
        "error_interval_and_meeting_days": "Choose either the days between sessions or the days the group meets on, not both: clear the days between sessions, or untick the days.",
        "error_invalid_meeting_days": "Tick the days the group meets on.",
        # A new temporary password for someone enrolled before usernames were kept: the way
        # on, in a counsellor's words (the service's message names the upgrade step for the
        # operator). Enrolling again records it, but an archived group takes no enrolments.
        "error_username_not_recorded": "Steady doesn't have this participant's username on record yet. Enrol them again with their username (it keeps their progress), or ask your administrator.",
        "error_username_not_recorded_archived": "Steady doesn't have this participant's username on record yet, so it can't give them a new temporary password. Ask your administrator.",
    }
)
