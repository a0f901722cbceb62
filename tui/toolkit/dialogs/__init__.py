"""Every dialog of the app in one room: confirm and message, save-as and export, file picker."""
