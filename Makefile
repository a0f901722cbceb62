# Shortcuts for dev.py, which needs nothing but Python (it creates .venv on first use).
.PHONY: run test bench
run:
	python3 dev.py run
test:
	python3 dev.py test
bench:
	python3 dev.py bench
