# Two commands for a new user: `make run` and `make test`. Everything else is theirs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test lint sysdeps sysdeps-test messages backup restore check-deploy clean

run: sysdeps $(INSTALLED) messages
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	scripts/serve.sh

test: sysdeps-test $(INSTALLED) messages
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory check-deploy
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

sysdeps:
	scripts/install-system-deps.sh

sysdeps-test:
	scripts/install-system-deps.sh --browser

messages: $(INSTALLED)
	@if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
	  $(BIN)/python manage.py compilemessages --ignore=.venv -v0; fi

# Production settings with throw-away secrets must pass Django's deployment checklist.
check-deploy: $(INSTALLED)
	DJANGO_ENV=production DJANGO_ALLOWED_HOSTS=portal.example.org \
	DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# make backup [BACKUP=file.tar.gz]; make restore BACKUP=file.tar.gz
backup: $(INSTALLED)
	$(BIN)/python manage.py backup $(if $(BACKUP),--output $(BACKUP))

restore: $(INSTALLED)
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=file.tar.gz"; exit 2; }
	$(BIN)/python manage.py restore $(BACKUP)

clean:
	rm -rf $(VENV) var
