"""The Flask extensions, created once here and bound to the app in create_app."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """The declarative base every model derives from."""


db = SQLAlchemy(model_class=Base)
socketio = SocketIO()
login = LoginManager()
csrf = CSRFProtect()
babel = Babel()
