"""Class mode: the whole class predicts, the teacher sees the answers live, then reveals the run.

- `questions`: what a class question is (2-5 choices or a number in a range), how an answer is
  checked, the lesson presets a teacher can ask, lesson-plan links. Pure Python.
- `store`: the one repository module; SQLite file by default, PostgreSQL when DATABASE_URL is set.
- `views`: the Streamlit teacher and student views drawn by pages/classmode.py.
"""
