from django import forms

from .models import ContactPerson


class ContactForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "title", "phone", "email", "responsibility"]
